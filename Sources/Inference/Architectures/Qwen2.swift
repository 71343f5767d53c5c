import GGUF

// Qwen2 = Llama + biases on the q/k/v projections + NEOX-style rope (θ = 1e6 in Qwen2.5's metadata).
// ref: llama.cpp src/models/qwen2.cpp. The forward pass is Llama's; the biases come in through `Linear`,
// which requires them here so that a file missing one fails at load rather than computing silently wrong.

enum Qwen2 {
    static func load(_ loader: WeightLoader) throws -> any Architecture {
        let model = try Llama(loader: loader, architecture: "qwen2", ropeStyle: .halves)
        for layer in model.layers {
            for projection in layer.qkv.parts where projection.bias == nil {
                throw GGUFError.missingTensor("\(projection.name).bias")
            }
        }
        return model
    }
}
