import ArgumentParser
import GGUF
import Quants

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a GGUF file's metadata and tensor table.")

    @OptionGroup var modelOptions: ModelOptions
    @Flag(help: "Print every element of long arrays (vocabularies) instead of the first few.")
    var full = false
    @Flag(help: "Omit the tensor table.")
    var noTensors = false

    func run() throws {
        let file = try GGUFFile(path: modelOptions.resolvedPath())
        print("file: \(file.path)")
        print("GGUF version \(file.version), \(file.metadata.count) metadata keys, \(file.tensors.count) tensors, alignment \(file.alignment), data at offset \(file.dataOffset), \(file.fileSize) bytes")
        print(kernelPathLine(try QuantKernels.pathFromEnvironment()))
        print("\nmetadata:")
        for key in file.metadataKeys {
            let value = try file.value(key)
            print("  \(key) [\(value.typeName)] = \(render(value))")
        }
        guard !noTensors else { return }
        print("\ntensors:")
        print("  name                                      type     shape                 offset        bytes")
        for tensor in file.tensors {
            let shape = tensor.shape.map(String.init).joined(separator: " x ")
            print("  " + [pad(tensor.name, 41), pad(tensor.type.description, 8), pad(shape, 21),
                          pad(String(file.dataOffset + tensor.offset), 13), String(tensor.byteCount)].joined(separator: " "))
        }
    }

    private func render(_ value: GGUFValue) -> String {
        switch value {
        case let .string(s):
            return s.count > 120 && !full ? (String(s.prefix(120)) + "…").debugDescription : s.debugDescription
        case let .array(_, values):
            let shown = full ? values : Array(values.prefix(8))
            let items = shown.map(render).joined(separator: ", ")
            return "[" + items + (shown.count < values.count ? ", … (\(values.count) in all)" : "") + "]"
        case let .uint8(v): return String(v)
        case let .int8(v): return String(v)
        case let .uint16(v): return String(v)
        case let .int16(v): return String(v)
        case let .uint32(v): return String(v)
        case let .int32(v): return String(v)
        case let .uint64(v): return String(v)
        case let .int64(v): return String(v)
        case let .float32(v): return String(v)
        case let .float64(v): return String(v)
        case let .bool(v): return String(v)
        }
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}

/// Which kernel build the products take, and what else this CPU could run (`VELLUM_KERNELS` forces one).
func kernelPathLine(_ path: KernelPath) -> String {
    let supported = QuantKernels.supportedPaths.map(\.rawValue).joined(separator: ", ")
    let source = QuantKernels.pathFromEnvironmentIsSet ? "\(QuantKernels.pathVariable)" : "CPUID"
    return "kernels: \(path) (chosen by \(source); this CPU runs \(supported))"
}
