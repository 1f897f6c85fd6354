package org.minespark.critic;

import java.nio.FloatBuffer;
import java.util.List;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The critic's forward pass and its seeded backward pass, computed with ND4J matrix products
 * on buffers allocated once, for the flat parameters of the DL4J network that
 * {@link CriticSpec} describes.
 *
 * <p>For a chunk of n rows A_0 (n x d) the forward pass is, layer by layer,
 * Z_l = A_{l-1} W_l + b_l, A_l = act(Z_l), and T = A_L w + c. Given seeds s (one per row) the
 * backward pass returns sum_i s_i grad T_i: with D = s w^T, for l = L down to 1,
 * D <- act'(Z_l) * D, grad W_l = A_{l-1}^T D, grad b_l = 1^T D, D <- D W_l^T. Unlike
 * {@code MultiLayerNetwork.backpropGradient} it allocates nothing per chunk, skips the
 * gradient with respect to the input rows, which nothing uses, and writes every weight
 * gradient straight into one flat array in DL4J's parameter order (per layer W in 'f' order,
 * then b), so that parameters and gradients are interchangeable with the network's.
 * {@code CriticKernelTest} checks both against DL4J's own network.
 *
 * <p>One instance holds buffers for chunks of up to {@code capacity} rows and serves one
 * thread at a time; {@link CriticPool} hands instances to concurrent tasks.
 */
public final class CriticKernel {

    private final int inputDim;
    private final int capacity;
    private final int paramCount;
    private final IActivation activation;
    /**
     * Whether the activation is the plain ReLU, computed without a pre-activation copy and
     * with a step mask: DL4J's general activation gradient allocates per call and costs
     * more than the layer's matrix product.
     */
    private final boolean relu;

    private final INDArray params;
    private final INDArray[] weights;
    private final INDArray[] biases;
    private final INDArray gradient;
    private final INDArray[] weightGradients;
    private final INDArray[] biasGradients;

    private final INDArray input;
    private final INDArray[] preActivations;
    private final INDArray[] activations;
    private final INDArray[] errors;
    private final INDArray output;
    private final INDArray seeds;
    private final INDArray ones;

    /** Buffers for {@code spec}'s critic and chunks of up to {@code capacity} rows. */
    public CriticKernel(CriticSpec spec, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        List<Integer> hidden = spec.hiddenLayers();
        int layers = hidden.size() + 1;
        this.inputDim = spec.inputDim();
        this.capacity = capacity;
        this.activation = spec.activationFunction();
        this.relu = activation instanceof ActivationReLU;
        int[] widths = new int[layers + 1];
        widths[0] = inputDim;
        for (int l = 0; l < hidden.size(); l++) {
            widths[l + 1] = hidden.get(l);
        }
        widths[layers] = 1;

        // Parameters and gradients, each one flat array with a view per layer.
        int count = 0;
        for (int l = 1; l <= layers; l++) {
            count += widths[l - 1] * widths[l] + widths[l];
        }
        this.paramCount = count;
        this.params = Nd4j.create(DataType.FLOAT, 1, paramCount);
        this.gradient = Nd4j.create(DataType.FLOAT, 1, paramCount);
        this.weights = new INDArray[layers];
        this.biases = new INDArray[layers];
        this.weightGradients = new INDArray[layers];
        this.biasGradients = new INDArray[layers];
        long offset = 0;
        for (int l = 0; l < layers; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            weights[l] = weightView(params, offset, in, out);
            weightGradients[l] = weightView(gradient, offset, in, out);
            offset += (long) in * out;
            biases[l] = params.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset,
                    offset + out)).reshape(1, out);
            biasGradients[l] = gradient.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset,
                    offset + out)).reshape(1, out);
            offset += out;
        }

        // Per-row buffers: input, pre-activations, activations and errors of every layer.
        this.input = Nd4j.create(DataType.FLOAT, capacity, inputDim);
        this.preActivations = new INDArray[layers - 1];
        this.activations = new INDArray[layers - 1];
        this.errors = new INDArray[layers - 1];
        for (int l = 0; l < layers - 1; l++) {
            preActivations[l] = Nd4j.create(DataType.FLOAT, capacity, widths[l + 1]);
            activations[l] = Nd4j.create(DataType.FLOAT, capacity, widths[l + 1]);
            errors[l] = Nd4j.create(DataType.FLOAT, capacity, widths[l + 1]);
        }
        this.output = Nd4j.create(DataType.FLOAT, capacity, 1);
        this.seeds = Nd4j.create(DataType.FLOAT, capacity, 1);
        this.ones = Nd4j.ones(DataType.FLOAT, capacity, 1);
    }

    private static INDArray weightView(INDArray flat, long offset, int in, int out) {
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset,
                offset + (long) in * out)).reshape('f', in, out);
    }

    public int capacity() {
        return capacity;
    }

    public int inputDim() {
        return inputDim;
    }

    public int paramCount() {
        return paramCount;
    }

    /** Loads the critic's flat parameters (DL4J's order); later passes use them. */
    public void setParameters(float[] values) {
        if (values.length != paramCount) {
            throw new IllegalArgumentException("expected " + paramCount + " parameters, got "
                    + values.length);
        }
        params.data().asNioFloat().put(values);
    }

    /**
     * The input buffer, row-major with {@link #inputDim} floats per row, for the caller to
     * fill with up to {@link #capacity} rows before {@link #forward}.
     */
    public FloatBuffer inputBuffer() {
        FloatBuffer buffer = input.data().asNioFloat();
        buffer.clear();
        return buffer;
    }

    /** Forward pass over the first {@code rows} rows of the input buffer; returns T. */
    public float[] forward(int rows) {
        checkRows(rows);
        INDArray previous = rowsOf(input, rows);
        for (int l = 0; l < activations.length; l++) {
            INDArray act = rowsOf(activations[l], rows);
            INDArray pre = rowsOf(preActivations[l], rows);
            INDArray affine = relu ? act : pre;
            Nd4j.gemm(previous, weights[l], affine, false, false, 1.0, 0.0);
            affine.addiRowVector(biases[l]);
            if (relu) {
                Transforms.relu(act, false);
            } else {
                act.assign(pre);
                INDArray activated = activation.getActivation(act, true);
                if (activated != act) {
                    act.assign(activated);
                }
            }
            previous = act;
        }
        int last = weights.length - 1;
        INDArray out = rowsOf(output, rows);
        Nd4j.gemm(previous, weights[last], out, false, false, 1.0, 0.0);
        out.addi(biases[last].getFloat(0));
        float[] values = new float[rows];
        output.data().asNioFloat().get(values);
        return values;
    }

    /**
     * Backward pass of the last {@link #forward}: sum over its rows of seed_i * grad T_i, in
     * DL4J's parameter order. Summed in single precision by the matrix products.
     */
    public float[] backward(float[] rowSeeds) {
        int rows = rowSeeds.length;
        checkRows(rows);
        FloatBuffer seedBuffer = seeds.data().asNioFloat();
        seedBuffer.put(rowSeeds);
        INDArray error = rowsOf(seeds, rows);
        INDArray unit = rowsOf(ones, rows);

        // Output layer: T = A_L w + c.
        int last = weights.length - 1;
        INDArray below = last == 0 ? rowsOf(input, rows) : rowsOf(activations[last - 1], rows);
        Nd4j.gemm(below, error, weightGradients[last], true, false, 1.0, 0.0);
        Nd4j.gemm(unit, error, biasGradients[last], true, false, 1.0, 0.0);

        // Hidden layers, from the top: D <- act'(Z_l) * (D W_{l+1}^T).
        for (int l = last - 1; l >= 0; l--) {
            INDArray upstream = rowsOf(errors[l], rows);
            Nd4j.gemm(error, weights[l + 1], upstream, false, true, 1.0, 0.0);
            error = activationGradient(l, rows, upstream);
            below = l == 0 ? rowsOf(input, rows) : rowsOf(activations[l - 1], rows);
            Nd4j.gemm(below, error, weightGradients[l], true, false, 1.0, 0.0);
            Nd4j.gemm(unit, error, biasGradients[l], true, false, 1.0, 0.0);
        }
        float[] values = new float[paramCount];
        gradient.data().asNioFloat().get(values);
        return values;
    }

    /** act'(Z_l) * upstream, in place in upstream or in the pre-activation buffer. */
    private INDArray activationGradient(int layer, int rows, INDArray upstream) {
        if (!relu) {
            return activation.backprop(rowsOf(preActivations[layer], rows), upstream)
                    .getFirst();
        }
        // ReLU's derivative is the step of its output; the unused pre-activation buffer
        // holds it, and no array is allocated.
        INDArray mask = rowsOf(preActivations[layer], rows);
        Nd4j.getExecutioner().exec(new Step(rowsOf(activations[layer], rows), mask, 0.0));
        return upstream.muli(mask);
    }

    private void checkRows(int rows) {
        if (rows < 1 || rows > capacity) {
            throw new IllegalArgumentException("rows must be in [1, " + capacity + "], got "
                    + rows);
        }
    }

    private static INDArray rowsOf(INDArray buffer, int rows) {
        return rows == buffer.rows() ? buffer
                : buffer.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
    }
}
