package org.minespark.critic;

import java.io.Serializable;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The shape of the critic T(x, z): a DL4J multilayer perceptron on the concatenation [x, z]
 * with the given hidden widths and activation, and one linear output. Single precision.
 *
 * <p>The network carries no updater of its own: the driver applies the ascent step to the
 * flat parameter array. The spec travels to executors as its DL4J JSON, which also keys the
 * per-JVM network cache. Immutable.
 */
public final class CriticSpec implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int xDim;
    private final int zDim;
    private final List<Integer> hiddenLayers;
    private final String activation;
    private final String configurationJson;

    public CriticSpec(int xDim, int zDim, List<Integer> hiddenLayers, String activation,
                      long seed) {
        if (xDim < 1 || zDim < 1) {
            throw new IllegalArgumentException("xDim and zDim must be >= 1, got "
                    + xDim + " and " + zDim);
        }
        this.xDim = xDim;
        this.zDim = zDim;
        this.hiddenLayers = List.copyOf(hiddenLayers);
        this.activation = activation;
        this.configurationJson = configuration(xDim + zDim, hiddenLayers, activation, seed)
                .toJson();
    }

    private static MultiLayerConfiguration configuration(int inputDim, List<Integer> hidden,
                                                         String activation, long seed) {
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.NONE)
                .list();
        int in = inputDim;
        for (int width : hidden) {
            layers.layer(new DenseLayer.Builder().nIn(in).nOut(width)
                    .activation(activationOf(activation)).build());
            in = width;
        }
        layers.layer(new DenseLayer.Builder().nIn(in).nOut(1)
                .activation(Activation.IDENTITY).build());
        return layers.build();
    }

    private static Activation activationOf(String name) {
        return switch (name) {
            case "relu" -> Activation.RELU;
            case "tanh" -> Activation.TANH;
            case "elu" -> Activation.ELU;
            case "leakyrelu" -> Activation.LEAKYRELU;
            case "softplus" -> Activation.SOFTPLUS;
            default -> throw new IllegalArgumentException("unknown activation " + name);
        };
    }

    /** A new, initialised network of this shape (weights from the spec's seed). */
    public MultiLayerNetwork newNetwork() {
        MultiLayerNetwork network =
                new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson));
        network.init();
        return network;
    }

    /** The initial flat parameters, in DL4J's parameter order. */
    public float[] initialParameters() {
        return newNetwork().params().toFloatVector();
    }

    /** Widths of the hidden layers, input side first. */
    public List<Integer> hiddenLayers() {
        return hiddenLayers;
    }

    /** The hidden layers' activation function, as DL4J computes it. */
    public IActivation activationFunction() {
        return activationOf(activation).getActivationFunction();
    }

    public int xDim() {
        return xDim;
    }

    public int zDim() {
        return zDim;
    }

    public int inputDim() {
        return xDim + zDim;
    }

    public String configurationJson() {
        return configurationJson;
    }
}
