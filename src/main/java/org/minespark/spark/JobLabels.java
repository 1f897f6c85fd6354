package org.minespark.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.minespark.train.RoundListener;

/**
 * Names the Spark jobs of a run so that the Spark UI and the history server show where the
 * run is: every job started on the driver thread after a call carries the description
 * "RUN: STAGE" (for example "mine-spark pair a (1 of 3): round 12 of 200") and the job
 * group {@code groupId}, which also lets an operator cancel the run's jobs as a group.
 *
 * <p>Spark keeps both as thread-local properties of the driver thread, so a run must start
 * its jobs from the thread that set them, and {@link #clear} them when it ends (a shared
 * session otherwise labels later jobs with this run's last stage). Not thread-safe.
 */
public final class JobLabels implements RoundListener {

    private final JavaSparkContext jsc;
    private final String groupId;
    private final String runName;
    private String label = "";

    /**
     * @param groupId the Spark job group, for example the run id
     * @param runName how the run is named in descriptions, for example the application name
     */
    public JobLabels(JavaSparkContext jsc, String groupId, String runName) {
        this.jsc = jsc;
        this.groupId = groupId;
        this.runName = runName;
    }

    /** Labels the following jobs with {@code stage}, for example "load" or "evaluate". */
    public void stage(String stage) {
        jsc.setJobGroup(groupId, description(stage), false);
    }

    private String description(String stage) {
        return runName + (label.isEmpty() ? "" : " " + label) + ": " + stage;
    }

    /** Sets the part of the run that follows, such as "pair a (1 of 3)"; empty for none. */
    public void part(String label) {
        this.label = label;
    }

    @Override
    public void trainingStarting(String label, int totalRounds) {
        part(label);
    }

    @Override
    public void roundStarting(int round, int totalRounds) {
        stage("round " + round + " of " + totalRounds);
    }

    /** Removes the labels from the driver thread. */
    public void clear() {
        jsc.clearJobGroup();
    }
}
