import ArgumentParser
import GGUF
import Inference
import Tokenization

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the token ids of a text.")

    @OptionGroup var modelOptions: ModelOptions
    @Flag(name: .customLong("no-bos"), help: "Never add a BOS token (by default it follows the model's metadata).")
    var noBOS = false
    @Flag(name: .customLong("no-special"), help: "Do not parse special-token text such as <|im_start|> as special tokens.")
    var noSpecial = false
    @Flag(help: "Print the ids as one JSON array.")
    var json = false
    @Argument(help: "The text to tokenize.")
    var text: String

    func run() throws {
        // Only the vocabulary is needed: no weights are touched beyond the metadata.
        let file = try GGUFFile(path: modelOptions.resolvedPath())
        let tokenizer = try Tokenizer(file: file)
        let ids = tokenizer.encode(text, addBOS: noBOS ? false : nil, parseSpecial: !noSpecial)
        if json {
            try printJSON(ids)
        } else {
            for id in ids {
                let piece = String(decoding: tokenizer.tokenPiece(id), as: UTF8.self)
                print("\(id)\t\(piece.debugDescription)")
            }
        }
    }
}
