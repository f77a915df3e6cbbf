// swift-tools-version:5.9
// The inkan Swift package: the generated Swift (Sources/Inkan/Inkan.swift) over the static
// library in inkanFFI.xcframework. Both come from ./build-xcframework.sh, run on a Mac.
import PackageDescription

let package = Package(
    name: "Inkan",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Inkan", targets: ["Inkan"]),
    ],
    targets: [
        .binaryTarget(name: "inkanFFI", path: "inkanFFI.xcframework"),
        .target(name: "Inkan", dependencies: ["inkanFFI"], path: "Sources/Inkan"),
    ]
)
