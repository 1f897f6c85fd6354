package org.minespark.data;

import java.io.Serializable;
import java.nio.FloatBuffer;

/**
 * One partition's rows, packed once into primitive arrays and cached for all rounds.
 *
 * <p>Row i holds x_i (xDim floats), z_i (zDim floats) and its global row tag. The partner
 * pool holds the same number of z values drawn from the global marginal of Z (a global
 * shuffle at load time), each with the tag of the row it came from, so that a row is never
 * paired with its own z. Tags are the low 32 bits of the global row id. Immutable after
 * construction; the arrays are not copied, so callers must not change them.
 */
public final class ShardBlock implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int rows;
    private final int xDim;
    private final int zDim;
    private final float[] x;
    private final float[] z;
    private final int[] rowTags;
    private final float[] partnerZ;
    private final int[] partnerTags;

    public ShardBlock(int xDim, int zDim, float[] x, float[] z, int[] rowTags,
                      float[] partnerZ, int[] partnerTags) {
        this.rows = rowTags.length;
        if (x.length != rows * xDim || z.length != rows * zDim
                || partnerZ.length != rows * zDim || partnerTags.length != rows) {
            throw new IllegalArgumentException("inconsistent block: " + rows + " rows, x "
                    + x.length + ", z " + z.length + ", partners " + partnerTags.length);
        }
        this.xDim = xDim;
        this.zDim = zDim;
        this.x = x;
        this.z = z;
        this.rowTags = rowTags;
        this.partnerZ = partnerZ;
        this.partnerTags = partnerTags;
    }

    public static ShardBlock empty(int xDim, int zDim) {
        return new ShardBlock(xDim, zDim, new float[0], new float[0], new int[0], new float[0],
                new int[0]);
    }

    public int rows() {
        return rows;
    }

    public int xDim() {
        return xDim;
    }

    public int zDim() {
        return zDim;
    }

    /** Copies [x_row, z_row] into {@code target} at {@code offset}. */
    public void copyJointRow(int row, float[] target, int offset) {
        System.arraycopy(x, row * xDim, target, offset, xDim);
        System.arraycopy(z, row * zDim, target, offset + xDim, zDim);
    }

    /** Copies [x_row, partner z] into {@code target} at {@code offset}. */
    public void copyMarginalRow(int row, int partner, float[] target, int offset) {
        System.arraycopy(x, row * xDim, target, offset, xDim);
        System.arraycopy(partnerZ, partner * zDim, target, offset + xDim, zDim);
    }

    /** Appends [x_row, z_row] to {@code target} at its position. */
    public void putJointRow(int row, FloatBuffer target) {
        target.put(x, row * xDim, xDim);
        target.put(z, row * zDim, zDim);
    }

    /** Appends [x_row, partner z] to {@code target} at its position. */
    public void putMarginalRow(int row, int partner, FloatBuffer target) {
        target.put(x, row * xDim, xDim);
        target.put(partnerZ, partner * zDim, zDim);
    }

    public int rowTag(int row) {
        return rowTags[row];
    }

    public int partnerTag(int partner) {
        return partnerTags[partner];
    }

    /** Bytes held by the arrays of this block. */
    public long payloadBytes() {
        return 4L * (x.length + z.length + partnerZ.length + rowTags.length + partnerTags.length);
    }

    /** Bytes the float32 values alone need: x, z and the partner z. */
    public long float32Bytes() {
        return 4L * (x.length + z.length + partnerZ.length);
    }
}
