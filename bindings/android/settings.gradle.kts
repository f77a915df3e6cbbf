// The Android library project for inkan's bindings. Open this folder in Android Studio, or run
// `./gradlew :inkan:assembleRelease` (needs the Android SDK + NDK, Rust Android targets and
// cargo-ndk: see ../README.md).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "inkan-android"
include(":inkan")
