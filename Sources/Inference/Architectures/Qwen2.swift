import GGUF

// Qwen2 = Llama + biases on the q/k/v projections + NEOX-style rope (θ = 1e6 in Qwen2.5's metadata).
// ref: llama.cpp src/models/qwen2.cpp. The forward pass is Llama's; the biases come in through `Linear`,
// which requires them here so that a file missing one fails at load rather than computing silently wrong.

enum Qwen2 {
    static func load(_ loader: WeightLoader) throws -> any Architecture {
        let model = try Llama(loader: loader, architecture: "qwen2", ropeStyle: .halves)
        for (i, layer) in model.layers.enumerated() {
            for projection in [layer.wq, layer.wk, layer.wv] where projection.bias == nil {
                throw GGUFError.missingTensor("blk.\(i).\(projection.name.split(separator: ".").last!).bias")
            }
        }
        return model
    }
}
