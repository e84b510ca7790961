// swift-tools-version:6.0
//
// TensorFlowHub for Swift: load TF1 hub-format modules and run them on our own interpreter.
//
// Layering (each layer imports only the ones above it):
//   C shims (CProtobufC, CZlib, CTFProtos, CKernels)
//     -> proto values (TFProto)
//     -> tensors (Tensors), checkpoint reader (TensorBundle)
//     -> kernels (Kernels)
//     -> interpreter (Interpreter; the only layer that knows TensorFlow op names)
//     -> hub (HubResolver, TensorFlowHub)
//     -> CLI (tfhub)

import PackageDescription

// MARK: - Shared settings

// No unsafeFlags anywhere: SwiftPM refuses them in a package that another depends on by version. The
// kernels pick their instruction set at run time (per-function target attributes), and the tests run
// in release builds (scripts/test), where SwiftPM optimises every target.

let package = Package(
    name: "TensorFlowHub",
    platforms: [.macOS(.v15)],  // Synchronization.Atomic
    products: [
        .library(name: "TensorFlowHub", targets: ["TensorFlowHub"]),
        /// `tfhub serve` as a library (Hummingbird 2); a separate product, so only servers build swift-nio's server side.
        .library(name: "TensorFlowHubServing", targets: ["TensorFlowHubServing"]),
        /// Fine-tuning (`{"train"}` graphs, optimizers, update ops) and hub-module export.
        .library(name: "TensorFlowHubTraining", targets: ["TensorFlowHubTraining"]),
        .executable(name: "tfhub", targets: ["tfhub"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // MARK: - C libraries from Debian
        .systemLibrary(
            name: "CProtobufC", path: "Sources/CProtobufC", pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CJPEG", path: "Sources/CJPEG", pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(
            name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),

        // MARK: - Our C code
        /// protoc-c output for Proto/ (regenerate with scripts/generate-protos).
        .target(name: "CTFProtos", dependencies: ["CProtobufC"], path: "Sources/CTFProtos"),
        /// Small portable C kernels (CRC32C, GEMM, depthwise) with SIMD fast paths.
        .target(name: "CKernels", path: "Sources/CKernels"),
        /// setjmp-based error handling around libjpeg and libpng (Swift cannot longjmp).
        .target(name: "CImageCodecs", dependencies: ["CJPEG", "CPNG"], path: "Sources/CImageCodecs"),

        // MARK: - Swift layers
        .target(name: "TFProto", dependencies: ["CTFProtos", "CProtobufC"]),
        .target(name: "TensorBundle", dependencies: ["TFProto", "CKernels"]),
        .target(name: "Tensors"),
        .target(name: "Kernels", dependencies: ["Tensors", "CKernels"]),
        .target(name: "Interpreter", dependencies: ["TFProto", "Tensors", "Kernels"]),
        .target(
            name: "HubResolver",
            dependencies: [
                "CZlib", .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .target(name: "ImageInput", dependencies: ["Tensors", "CImageCodecs"]),
        .target(
            name: "TensorFlowHub",
            dependencies: [
                "TFProto", "TensorBundle", "Tensors", "Interpreter", "Kernels", "HubResolver",
                .product(name: "Logging", package: "swift-log"),
            ]),
        /// TF Serving REST and Open Inference Protocol v2 over HTTP, with dynamic batching (Docs/serving.md).
        .target(
            name: "TensorFlowHubServing",
            dependencies: [
                "TensorFlowHub", "ImageInput", "Tensors",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Draining on SIGTERM: readiness 503 before the listener closes.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]),
        /// Fine-tuning a module's `{"train"}` graph with TF1's optimizers, and exporting the result as a hub module.
        .target(
            name: "TensorFlowHubTraining",
            dependencies: ["TensorFlowHub", "TFProto", "TensorBundle", "Tensors", "Interpreter", "Kernels", "ImageInput"]),
        /// Times TensorBundle on a bundle; run through scripts/bench-bundle.
        .executableTarget(name: "bundle-bench", dependencies: ["TensorBundle"]),
        /// Kernel micro-benchmark on NASNet-A mobile layer shapes, TensorFlow side by side.
        .executableTarget(name: "kernel-bench", dependencies: ["Kernels", "Tensors"], path: "Sources/KernelBenchmark"),
        .executableTarget(
            name: "tfhub",
            dependencies: [
                "TensorFlowHub", "HubResolver", "ImageInput", "Interpreter", "Tensors", "CZlib", "TensorFlowHubServing", "TensorFlowHubTraining",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: - Tests
        .target(name: "TestSupport", dependencies: ["Tensors"], path: "Tests/TestSupport"),
        /// Resolves one handle per process; the resolver tests run several at once.
        .executableTarget(
            name: "hub-resolve-probe",
            dependencies: ["HubResolver", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "TFProtoTests", dependencies: ["TFProto", "TestSupport", "CTFProtos", "CProtobufC"]),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "TestSupport"]),
        .testTarget(name: "TensorBundleTests", dependencies: ["TensorBundle", "TestSupport"]),
        .testTarget(name: "HubResolverTests", dependencies: ["HubResolver", "TestSupport"]),
        .testTarget(name: "KernelTests", dependencies: ["Kernels", "CKernels", "Tensors", "TestSupport"]),
        .testTarget(name: "InterpreterTests", dependencies: ["Interpreter", "TFProto", "Tensors", "TensorBundle", "TestSupport"]),
        .testTarget(name: "TensorFlowHubTests", dependencies: ["TensorFlowHub", "TestSupport"]),
        .testTarget(name: "ImageInputTests", dependencies: ["ImageInput", "Tensors", "TestSupport"]),
        .testTarget(
            name: "ServingTests", dependencies: ["TensorFlowHubServing", "TensorFlowHub", "ImageInput", "Tensors", "TestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(
            name: "TrainingTests",
            dependencies: ["TensorFlowHubTraining", "TensorFlowHub", "TensorBundle", "TFProto", "Tensors", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "TensorFlowHub", "TensorFlowHubTraining", "ImageInput", "Tensors"]),

        // MARK: - Fuzzing (scripts/fuzz builds fuzz-* with -sanitize=fuzzer,address -D FUZZING; plain builds replay files)
        .target(
            name: "FuzzTargets",
            dependencies: [
                "TFProto", "TensorBundle", "Tensors", "Interpreter", "HubResolver", "TensorFlowHub", "ImageInput",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Fuzz/FuzzTargets"),
        .executableTarget(name: "fuzz-savedmodel", dependencies: ["FuzzTargets"], path: "Tests/Fuzz/fuzz-savedmodel"),
        .executableTarget(name: "fuzz-bundle", dependencies: ["FuzzTargets"], path: "Tests/Fuzz/fuzz-bundle"),
        .executableTarget(name: "fuzz-archive", dependencies: ["FuzzTargets"], path: "Tests/Fuzz/fuzz-archive"),
        .executableTarget(name: "fuzz-graph", dependencies: ["FuzzTargets"], path: "Tests/Fuzz/fuzz-graph"),
        .executableTarget(name: "fuzz-npy", dependencies: ["FuzzTargets"], path: "Tests/Fuzz/fuzz-npy"),
        .executableTarget(name: "fuzz-image", dependencies: ["FuzzTargets"], path: "Tests/Fuzz/fuzz-image"),
        .testTarget(
            name: "HardeningTests",
            dependencies: [
                "FuzzTargets", "TestSupport", "TFProto", "TensorBundle", "Tensors", "Interpreter", "HubResolver",
                "TensorFlowHub", "ImageInput",
            ]),
    ]
)
