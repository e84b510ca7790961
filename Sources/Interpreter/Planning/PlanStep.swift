import Kernels
import Tensors

// MARK: - One planned kernel call

extension ExecutionPlan {
    /// One kernel call of a plan: which op it is (name and registered traits), the value slots it reads
    /// and writes (with their planned types), its estimated cost, the nodes of the graph as written it
    /// computes, and the kernel that runs it. Built at plan time (attributes parsed, shapes checked,
    /// constant weights packed); at run time it only computes, with the run's kernel options. A class,
    /// so a run passes steps around without copying their fields.
    final class Step: Sendable {
        /// The node the step computes (for a fused step: the last node it replaces).
        let node: String
        let op: OpIdentity
        let inputs: [Int]
        let outputs: [Int]
        /// Estimated multiply-adds (or comparable element operations) of one run, for scheduling.
        let cost: Int
        /// The nodes of the graph as written this step computes (provenance of rewrites).
        let sourceNodes: [String]
        let kernel: KernelRun
        /// The kernel writing into outputs the run provides, when the op has one (`KernelWrite`).
        let write: KernelWrite?
        /// Slots no later step reads, released once this step has run.
        let releaseAfter: [Int]

        init(node: String, op: OpIdentity, inputs: [Int], outputs: [Int], cost: Int, sourceNodes: [String],
             kernel: @escaping KernelRun, write: KernelWrite? = nil, releaseAfter: [Int] = []) {
            self.node = node
            self.op = op
            self.inputs = inputs
            self.outputs = outputs
            self.cost = cost
            self.sourceNodes = sourceNodes
            self.kernel = kernel
            self.write = write
            self.releaseAfter = releaseAfter
        }

        /// The same step, releasing `slots` after it runs.
        func releasing(_ slots: [Int]) -> Step {
            Step(node: node, op: op, inputs: inputs, outputs: outputs, cost: cost, sourceNodes: sourceNodes,
                 kernel: kernel, write: write, releaseAfter: slots)
        }
    }

    /// What a step of the plan is, for tools and tests.
    public struct StepSummary: Sendable, CustomStringConvertible {
        /// The node the step computes.
        public let node: String
        /// The op (a TensorFlow op, or a `tfhub.*` op made by an inference rewrite) and its traits.
        public let op: OpIdentity
        public let inputTypes: [ValueType]
        public let outputTypes: [ValueType]
        /// Estimated multiply-adds of one run.
        public let estimatedCost: Int
        /// The nodes of the graph as written that this step computes (more than one after a fusion).
        public let sourceNodes: [String]
        /// Per input: the index (in `stepSummaries`) of the step that computes it, `nil` for a feed, a
        /// constant or a variable.
        public let inputSteps: [Int?]

        public var description: String {
            "\(node) = \(op.name)(\(inputTypes.map(\.description).joined(separator: ", "))) -> "
                + outputTypes.map(\.description).joined(separator: ", ")
        }
    }

    /// Every step a run executes, in order.
    public var stepSummaries: [StepSummary] {
        var producer: [Int: Int] = [:]
        for (index, step) in steps.enumerated() { for slot in step.outputs { producer[slot] = index } }
        return steps.map { step in
            StepSummary(
                node: step.node, op: step.op, inputTypes: step.inputs.map { slotTypes[$0] },
                outputTypes: step.outputs.map { slotTypes[$0] }, estimatedCost: step.cost,
                sourceNodes: step.sourceNodes, inputSteps: step.inputs.map { producer[$0] })
        }
    }
}
