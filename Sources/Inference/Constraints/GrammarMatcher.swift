/// Follows one generation through a grammar and says which tokens may come next.
///
/// The parse state is llama.cpp's: a set of pushdown stacks, each one way the bytes so far can continue
/// (src/llama-grammar.cpp, `llama_grammar_advance_stack`). Here the stacks are shared-tail lists interned in an
/// arena (equal stacks have equal ids), so a set of stacks is a sorted array of ids, and each distinct set is
/// interned as a *state* with a lazily filled 256-entry transition row. After warm-up, following a byte is one
/// array read, and a state seen before reuses its cached token mask.
///
/// Per token, the cheap path is `allows(_:)`: walk the sampled token's few bytes. Only when the sampled token
/// is rejected does `allowedTokens()` walk the vocabulary trie, pruning every subtree whose prefix is already
/// impossible.
///
/// One matcher follows one generation; it is not thread-safe.
final class GrammarMatcher {
    let grammar: CompiledGrammar
    let vocabulary: TokenVocabulary

    /// Stack arena: a node is an element position plus the node below it (-1: the stack's bottom).
    private var nodePosition: [Int32] = []
    private var nodeParent: [Int32] = []
    private var nodeIDs: [UInt64: Int32] = [:]

    /// Each state's stacks (top node ids, sorted; -1 is the empty stack: the grammar is complete there).
    private var stateStacks: [[Int32]] = []
    private var stateIDs: [[Int32]: Int32] = [:]
    private var stateIsComplete: [Bool] = []
    private var stateCanContinue: [Bool] = []
    /// Row `state * 256 + byte`: the next state, `dead`, or `unknown` until first needed.
    private var transitions: [Int32] = []
    private static let unknown: Int32 = -2
    static let dead: Int32 = -1

    /// Token masks by state; cleared when it grows past `maskCacheLimit` (each is vocabulary/8 bytes).
    private var masks: [Int32: TokenMask] = [:]
    private static let maskCacheLimit = 256

    /// The state after the bytes accepted so far.
    private(set) var state: Int32 = 0
    private var isFirstToken = true

    // Scratch for expansions.
    private var expanded: [Int32] = []
    private var visited: Set<Int32> = []

    init(grammar: Grammar, vocabulary: TokenVocabulary) {
        self.grammar = grammar.compiled
        self.vocabulary = vocabulary
        expanded = []
        for start in self.grammar.alternatives[Int(self.grammar.root)] { expand(push(start, below: -1)) }
        state = intern(expanded)
    }

    /// The grammar has been matched completely: end of generation is allowed.
    var isComplete: Bool { stateIsComplete[Int(state)] }
    /// The grammar is complete and nothing more may follow: generation is over.
    var isFinished: Bool { stateIsComplete[Int(state)] && !stateCanContinue[Int(state)] }

    /// Whether `id` may come next.
    func allows(_ id: Int32) -> Bool {
        if vocabulary.endOfGeneration.contains(id) { return isComplete }
        return following(id) != Self.dead
    }

    /// Moves past `id`, which must be allowed. End-of-generation tokens change nothing.
    func accept(_ id: Int32) {
        guard !vocabulary.endOfGeneration.contains(id) else { return }
        let next = following(id)
        precondition(next != Self.dead, "token \(id) is not allowed by the grammar")
        state = next
        isFirstToken = false
    }

    /// Every token allowed next: the ordinary tokens whose bytes can continue the grammar, and the
    /// end-of-generation tokens when it is complete.
    func allowedTokens() -> TokenMask {
        let key = isFirstToken && vocabulary.dropsFirstLeadingSpace ? -2 - state : state
        if let mask = masks[key] { return mask }
        var mask = walkTrie(from: state, droppingLeadingSpace: key != state)
        if isComplete { for id in vocabulary.endOfGeneration { mask.insert(id) } }
        if masks.count >= Self.maskCacheLimit { masks.removeAll(keepingCapacity: true) }
        masks[key] = mask
        return mask
    }

    /// The state after token `id`'s bytes, or `dead`. A token without bytes (control) is never allowed.
    private func following(_ id: Int32) -> Int32 {
        var piece = vocabulary.piece(id)
        guard !piece.isEmpty else { return Self.dead }
        if isFirstToken && vocabulary.dropsFirstLeadingSpace && piece.first == UInt8(ascii: " ") { piece = piece.dropFirst() }
        var current = state
        for byte in piece {
            current = transition(current, byte)
            if current == Self.dead { return Self.dead }
        }
        return current
    }

    /// Preorder walk of the vocabulary trie: a node's state is its parent's followed by its byte, and a dead
    /// state skips the whole subtree. A token is allowed when the state at its node is alive (every live stack
    /// can still be completed: `GrammarLowering` drops alternatives that can never finish).
    private func walkTrie(from start: Int32, droppingLeadingSpace: Bool) -> TokenMask {
        var mask = TokenMask(count: vocabulary.size)
        var states = [Int32](repeating: start, count: vocabulary.maximumDepth + 1)
        let count = vocabulary.nodeByte.count
        vocabulary.nodeByte.withUnsafeBufferPointer { nodeByte in
        vocabulary.nodeDepth.withUnsafeBufferPointer { nodeDepth in
        vocabulary.subtreeEnd.withUnsafeBufferPointer { subtreeEnd in
        vocabulary.tokenStart.withUnsafeBufferPointer { tokenStart in
        vocabulary.nodeTokens.withUnsafeBufferPointer { nodeTokens in
            var node = 1
            while node < count {
                let depth = Int(nodeDepth[node])
                let byte = nodeByte[node]
                // The first piece's leading space is not text (see `TokenVocabulary.dropsFirstLeadingSpace`).
                let next = droppingLeadingSpace && depth == 1 && byte == UInt8(ascii: " ")
                    ? start : transition(states[depth - 1], byte)
                if next == Self.dead {
                    node = Int(subtreeEnd[node])
                    continue
                }
                states[depth] = next
                for index in Int(tokenStart[node])..<Int(tokenStart[node + 1]) { mask.insert(nodeTokens[index]) }
                node += 1
            }
        }}}}}
        return mask
    }

    // MARK: States

    @inline(__always)
    private func transition(_ state: Int32, _ byte: UInt8) -> Int32 {
        let index = Int(state) << 8 | Int(byte)
        let cached = transitions[index]
        if cached != Self.unknown { return cached }
        let next = advance(state, byte)
        transitions[index] = next
        return next
    }

    /// The stacks of `state` whose top terminal accepts `byte`, moved past it and expanded to terminals.
    private func advance(_ state: Int32, _ byte: UInt8) -> Int32 {
        expanded.removeAll(keepingCapacity: true)
        visited.removeAll(keepingCapacity: true)
        for top in stateStacks[Int(state)] where top >= 0 {
            let position = nodePosition[Int(top)]
            guard case let .bytes(set) = grammar.elements[Int(position)], set.contains(byte) else { continue }
            expand(push(position + 1, below: nodeParent[Int(top)]))
        }
        return expanded.isEmpty ? Self.dead : intern(expanded)
    }

    /// Adds to `expanded` every stack `node` can become whose top is a terminal (or the empty stack).
    private func expand(_ node: Int32) {
        guard node >= 0 else { return expanded.append(-1) }
        guard visited.insert(node).inserted else { return }
        let position = nodePosition[Int(node)]
        switch grammar.elements[Int(position)] {
        case .bytes:
            expanded.append(node)
        case .end:
            preconditionFailure("push(_:below:) never makes a node at the end of an alternative")
        case let .rule(rule):
            let continuation = push(position + 1, below: nodeParent[Int(node)])
            for start in grammar.alternatives[Int(rule)] { expand(push(start, below: continuation)) }
        }
    }

    /// The stack `position` on top of `below`. A position at the end of its alternative is popped right away,
    /// so right recursion (`x ::= "a" x | ""`) does not deepen the stack.
    private func push(_ position: Int32, below: Int32) -> Int32 {
        if grammar.elements[Int(position)] == .end { return below }
        let key = UInt64(UInt32(bitPattern: position)) << 32 | UInt64(UInt32(bitPattern: below))
        if let id = nodeIDs[key] { return id }
        let id = Int32(nodePosition.count)
        nodePosition.append(position)
        nodeParent.append(below)
        nodeIDs[key] = id
        return id
    }

    private func intern(_ stacks: [Int32]) -> Int32 {
        let key = Array(Set(stacks)).sorted()
        if let id = stateIDs[key] { return id }
        let id = Int32(stateStacks.count)
        stateStacks.append(key)
        stateIDs[key] = id
        stateIsComplete.append(key.first == -1)
        stateCanContinue.append(key.last.map { $0 >= 0 } ?? false)
        transitions.append(contentsOf: repeatElement(Self.unknown, count: 256))
        return id
    }
}
