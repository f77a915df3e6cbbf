"""Interop oracle for the raw Token Status List encoding: CPython's own zlib and base64.

    status_list_oracle.py inflate IN OUT   IN holds a base64url `lst`; OUT gets the inflated bytes
    status_list_oracle.py deflate IN OUT   IN holds packed status bytes; OUT gets base64url(zlib level 9)

Files rather than argv, because a 2^20-entry 8-bit list is a megabyte.
"""
import base64
import sys
import zlib


def main(command, src, dst):
    data = open(src, "rb").read()
    if command == "inflate":
        text = data.decode("ascii").strip()
        raw = zlib.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        open(dst, "wb").write(raw)
    elif command == "deflate":
        lst = base64.urlsafe_b64encode(zlib.compress(data, 9)).rstrip(b"=")
        open(dst, "wb").write(lst)
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(*sys.argv[1:])
