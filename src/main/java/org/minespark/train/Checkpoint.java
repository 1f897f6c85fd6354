package org.minespark.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.minespark.UserError;
import org.minespark.data.PreparedData;

/**
 * The complete state of a training run after a round, from which training continues exactly
 * as if it had never stopped: the critic parameters, Adam's moments, iteration and (possibly
 * lowered) learning rate, the EMA denominator, the draw index (which fixes every later batch),
 * the round counter and the count of discarded rounds, the history so far and the
 * early-stopping state.
 *
 * <p>It also records what the run's numbers depend on, so that a resume under other settings
 * or on changed data is refused: the result-determining settings and the shape of the
 * prepared data (training rows per partition, held-out and validation rows, dimensions).
 *
 * <p>Stored as a versioned binary file with a CRC-32 trailer, so that a damaged file is
 * recognised rather than resumed from. Values are stored bit for bit. Immutable.
 */
public final class Checkpoint {

    private static final int MAGIC = 0x4D494E43;
    private static final int VERSION = 1;

    private final int round;
    private final long drawIndex;
    private final int discardedRounds;
    private final float[] params;
    private final float[] adamState;
    private final int adamIteration;
    private final double learningRate;
    private final double[] emaState;
    private final EarlyStopping.State stopping;
    private final List<RoundRecord> history;
    private final Map<String, String> settings;
    private final long[] dataShape;

    Checkpoint(int round, long drawIndex, int discardedRounds, float[] params,
               float[] adamState, int adamIteration, double learningRate, double[] emaState,
               EarlyStopping.State stopping, List<RoundRecord> history,
               Map<String, String> settings, long[] dataShape) {
        this.round = round;
        this.drawIndex = drawIndex;
        this.discardedRounds = discardedRounds;
        this.params = params.clone();
        this.adamState = adamState.clone();
        this.adamIteration = adamIteration;
        this.learningRate = learningRate;
        this.emaState = emaState.clone();
        this.stopping = stopping;
        this.history = List.copyOf(history);
        this.settings = new TreeMap<>(settings);
        this.dataShape = dataShape.clone();
    }

    /**
     * The shape of the prepared data that a run's numbers depend on: xDim, zDim, held-out
     * rows, validation rows, then the training rows of each partition.
     */
    static long[] dataShape(PreparedData data) {
        long[] counts = data.trainCounts();
        long[] shape = new long[4 + counts.length];
        shape[0] = data.xDim();
        shape[1] = data.zDim();
        shape[2] = data.heldoutRows();
        shape[3] = data.validationRows();
        System.arraycopy(counts, 0, shape, 4, counts.length);
        return shape;
    }

    /** Rounds completed when the checkpoint was taken. */
    public int round() {
        return round;
    }

    /**
     * Refuses to resume under settings that differ from the checkpoint's: a usage error
     * naming the first differing key with both values.
     *
     * @param where the checkpoint's location, for the message
     */
    public void requireSameSettings(Map<String, String> currentSettings, String where) {
        TreeSet<String> keys = new TreeSet<>(settings.keySet());
        keys.addAll(currentSettings.keySet());
        for (String key : keys) {
            String saved = settings.getOrDefault(key, "(unset)");
            String current = currentSettings.getOrDefault(key, "(unset)");
            if (!saved.equals(current)) {
                throw UserError.usage("cannot resume: " + key + " = " + current + " differs "
                        + "from the value " + saved + " of the checkpoint at " + where
                        + "; resume with the checkpoint's value, or start over without --resume");
            }
        }
    }

    /** Refuses to resume on data whose shape differs from the checkpoint's: a data error. */
    public void requireSameData(PreparedData data, String where) {
        long[] now = dataShape(data);
        if (!Arrays.equals(now, dataShape)) {
            throw UserError.data("cannot resume: the input changed since the checkpoint at "
                    + where + " (then " + describeShape(dataShape) + ", now "
                    + describeShape(now) + "); start over without --resume");
        }
    }

    private static String describeShape(long[] shape) {
        long train = 0;
        for (int k = 4; k < shape.length; k++) {
            train += shape[k];
        }
        return train + " training rows in " + (shape.length - 4) + " partitions, "
                + shape[2] + " held-out, " + shape[3] + " validation, dimensions "
                + shape[0] + " and " + shape[1];
    }

    long drawIndex() {
        return drawIndex;
    }

    int discardedRounds() {
        return discardedRounds;
    }

    float[] params() {
        return params.clone();
    }

    float[] adamState() {
        return adamState.clone();
    }

    int adamIteration() {
        return adamIteration;
    }

    double learningRate() {
        return learningRate;
    }

    double[] emaState() {
        return emaState.clone();
    }

    EarlyStopping.State stopping() {
        return stopping;
    }

    List<RoundRecord> history() {
        return history;
    }

    /** Writes the checkpoint and its CRC-32; does not close {@code out}. */
    void writeTo(OutputStream out) throws IOException {
        CRC32 crc = new CRC32();
        DataOutputStream data = new DataOutputStream(
                new CheckedOutputStream(new BufferedOutputStream(out), crc));
        data.writeInt(MAGIC);
        data.writeInt(VERSION);
        data.writeInt(round);
        data.writeLong(drawIndex);
        data.writeInt(discardedRounds);
        writeFloats(data, params);
        writeFloats(data, adamState);
        data.writeInt(adamIteration);
        data.writeDouble(learningRate);
        writeDoubles(data, emaState);
        data.writeDouble(stopping.bestBound());
        writeFloats(data, stopping.bestParams());
        data.writeInt(stopping.bestRound());
        data.writeInt(stopping.checksWithoutImprovement());
        data.writeInt(history.size());
        for (RoundRecord record : history) {
            data.writeInt(record.round());
            data.writeDouble(record.bound());
            data.writeDouble(record.logMeanExp());
            data.writeDouble(record.logDenominator());
            data.writeDouble(record.gradientNorm());
            data.writeLong(record.rows());
            data.writeLong(record.roundMillis());
            data.writeDouble(record.validationBound());
        }
        data.writeInt(settings.size());
        for (Map.Entry<String, String> entry : settings.entrySet()) {
            writeString(data, entry.getKey());
            writeString(data, entry.getValue());
        }
        data.writeInt(dataShape.length);
        for (long value : dataShape) {
            data.writeLong(value);
        }
        data.flush();
        // The trailer is written past the checksummed stream.
        DataOutputStream trailer = new DataOutputStream(out);
        trailer.writeLong(crc.getValue());
        trailer.flush();
    }

    /** Reads a checkpoint; fails with an IOException when it is damaged or of another version. */
    static Checkpoint readFrom(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        BufferedInputStream buffered = new BufferedInputStream(in);
        DataInputStream data = new DataInputStream(new CheckedInputStream(buffered, crc));
        if (data.readInt() != MAGIC) {
            throw new IOException("not a mine-spark checkpoint");
        }
        int version = data.readInt();
        if (version != VERSION) {
            throw new IOException("checkpoint version " + version + " is not supported; "
                    + "this version reads " + VERSION);
        }
        int round = data.readInt();
        long drawIndex = data.readLong();
        int discardedRounds = data.readInt();
        float[] params = readFloats(data);
        float[] adamState = readFloats(data);
        int adamIteration = data.readInt();
        double learningRate = data.readDouble();
        double[] emaState = readDoubles(data);
        EarlyStopping.State stopping = new EarlyStopping.State(data.readDouble(),
                readFloats(data), data.readInt(), data.readInt());
        int historySize = readCount(data);
        List<RoundRecord> history = new ArrayList<>(historySize);
        for (int i = 0; i < historySize; i++) {
            history.add(new RoundRecord(data.readInt(), data.readDouble(), data.readDouble(),
                    data.readDouble(), data.readDouble(), data.readLong(), data.readLong(),
                    data.readDouble()));
        }
        int settingCount = readCount(data);
        Map<String, String> settings = new TreeMap<>();
        for (int i = 0; i < settingCount; i++) {
            settings.put(readString(data), readString(data));
        }
        long[] dataShape = new long[readCount(data)];
        for (int i = 0; i < dataShape.length; i++) {
            dataShape[i] = data.readLong();
        }
        long expected = crc.getValue();
        long stored = new DataInputStream(buffered).readLong();
        if (stored != expected) {
            throw new IOException("checkpoint is damaged: checksum mismatch");
        }
        return new Checkpoint(round, drawIndex, discardedRounds, params, adamState,
                adamIteration, learningRate, emaState, stopping, history, settings, dataShape);
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float value : values) {
            out.writeInt(Float.floatToRawIntBits(value));
        }
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        float[] values = new float[readCount(in)];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.intBitsToFloat(in.readInt());
        }
        return values;
    }

    private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double value : values) {
            out.writeLong(Double.doubleToRawLongBits(value));
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        double[] values = new double[readCount(in)];
        for (int i = 0; i < values.length; i++) {
            values[i] = Double.longBitsToDouble(in.readLong());
        }
        return values;
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(in.readNBytes(readCount(in)), StandardCharsets.UTF_8);
    }

    /** A length field; a damaged file must not make the reader allocate gigabytes. */
    private static int readCount(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > (1 << 28)) {
            throw new IOException("checkpoint is damaged: length " + count);
        }
        return count;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Checkpoint c && round == c.round && drawIndex == c.drawIndex
                && discardedRounds == c.discardedRounds && Arrays.equals(params, c.params)
                && Arrays.equals(adamState, c.adamState) && adamIteration == c.adamIteration
                && Double.compare(learningRate, c.learningRate) == 0
                && Arrays.equals(emaState, c.emaState)
                && Double.compare(stopping.bestBound(), c.stopping.bestBound()) == 0
                && Arrays.equals(stopping.bestParams(), c.stopping.bestParams())
                && stopping.bestRound() == c.stopping.bestRound()
                && stopping.checksWithoutImprovement() == c.stopping.checksWithoutImprovement()
                && history.equals(c.history) && settings.equals(c.settings)
                && Arrays.equals(dataShape, c.dataShape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(round, drawIndex, Arrays.hashCode(params));
    }
}
