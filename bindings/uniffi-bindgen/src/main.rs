//! `uniffi-bindgen`: generates Kotlin, Swift and Python from the built inkan library
//! (library mode). Run through `bindings/generate.sh`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
