// The `inkan` Android library: the generated Kotlin (src/main/kotlin, from build-rust.sh) over
// libinkan.so for each ABI (src/main/jniLibs/<abi>/, from build-rust.sh), loaded through JNA.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "org.inkan"
    compileSdk = 35
    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    sourceSets["main"].jniLibs.srcDirs("src/main/jniLibs")
    sourceSets["main"].java.srcDirs("src/main/kotlin")
    packaging {
        // The .so files are already stripped by the `mobile` cargo profile.
        jniLibs.keepDebugSymbols += "**/libinkan.so"
    }
}

kotlin {
    jvmToolchain(17)
}

// Rebuild the Rust libraries and the Kotlin bindings before every build of this module.
val buildRust by tasks.registering(Exec::class) {
    workingDir = projectDir
    commandLine("./build-rust.sh")
}
tasks.named("preBuild") { dependsOn(buildRust) }

dependencies {
    // UniFFI's Kotlin calls the library through JNA; the `aar` variant carries JNA's own
    // native parts for every Android ABI.
    implementation("net.java.dev.jna:jna:5.15.0@aar")
    // Only needed if async functions are exported (none yet); the generated code may import it.
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.9.0")
}
