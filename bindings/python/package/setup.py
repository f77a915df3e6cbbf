"""Marks the wheel as platform-specific (it carries a native library) but not tied to one
CPython ABI: the module reaches the library through ctypes, not the C API."""

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.dist import Distribution


class NativeLibrary(Distribution):
    def has_ext_modules(self):
        return True


class AnyPython(bdist_wheel):
    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(distclass=NativeLibrary, cmdclass={"bdist_wheel": AnyPython})
