package io.c2c.discovery.ranking;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * How good the estimates discovery ranks by can be: a reference implementation of the browser's
 * Vivaldi update rule (height-vector model, as in Serf) runs on a synthetic topology, and the
 * relative error of {@link Vivaldi#rttMillis} against the topology's RTTs is measured and printed
 * (the figure in docs/discovery.md). Pure arithmetic with a fixed seed, so no Quarkus.
 */
class VivaldiConvergenceTest {

    static final int NODES = 200;
    static final int DIMS = 8;
    static final double CC = 0.25;
    static final double CE = 0.25;
    static final double MIN_HEIGHT = 0.1;

    @Test
    void coordinatesConvergeToAUsefulEstimate() {
        Random random = new Random(2004);
        // Ground truth: hosts on a 2-D "map" (ms), an access link each, and a fixed per-pair detour factor
        // (routing is not a metric: some triangle-inequality violations), plus per-sample jitter.
        double[][] where = new double[NODES][2];
        double[] access = new double[NODES];
        for (int i = 0; i < NODES; i++) {
            where[i][0] = random.nextDouble() * 150;
            where[i][1] = random.nextDouble() * 80;
            access[i] = 1 + random.nextDouble() * 15;
        }
        double[][] truth = new double[NODES][NODES];
        for (int i = 0; i < NODES; i++) {
            for (int j = i + 1; j < NODES; j++) {
                double detour = 1.0 + Math.abs(random.nextGaussian()) * 0.15;
                truth[i][j] = truth[j][i] = Math.hypot(where[i][0] - where[j][0], where[i][1] - where[j][1]) * detour
                        + access[i] + access[j];
            }
        }
        float[] coords = new float[NODES * (DIMS + 1)];
        double[] error = new double[NODES];
        Arrays.fill(error, 1.0);
        for (int i = 0; i < NODES; i++) {
            coords[i * (DIMS + 1) + DIMS] = (float) MIN_HEIGHT;
        }
        double median = 0;
        double p90 = 0;
        int done = 0;
        for (int checkpoint : new int[] {20, 60, 200}) {
            for (; done < checkpoint; done++) {
                for (int i = 0; i < NODES; i++) {
                    int j = random.nextInt(NODES - 1);
                    j = j >= i ? j + 1 : j;
                    double sample = truth[i][j] * (1 + random.nextGaussian() * 0.05);
                    update(coords, error, i, j, Math.max(0.5, sample), random);
                }
            }
            double[] relative = new double[NODES * (NODES - 1) / 2];
            int n = 0;
            for (int i = 0; i < NODES; i++) {
                for (int j = i + 1; j < NODES; j++) {
                    relative[n++] = Math.abs(Vivaldi.rttMillis(coords, i, j, DIMS) - truth[i][j]) / truth[i][j];
                }
            }
            Arrays.sort(relative);
            median = relative[n / 2];
            p90 = relative[(int) (n * 0.9)];
            System.out.printf("Vivaldi (%d nodes, %d dims + height, %d samples per node): median relative error %.1f%%, "
                    + "p90 %.1f%%%n", NODES, DIMS, checkpoint, median * 100, p90 * 100);
        }
        assertTrue(median < 0.15, "median relative error after 200 samples " + median);
        assertTrue(p90 < 0.40, "p90 relative error after 200 samples " + p90);
    }

    /** One Vivaldi step of node i after measuring {@code rtt} to node j (Dabek et al. 2004, Fig. 3, with heights). */
    static void update(float[] coords, double[] error, int i, int j, double rtt, Random random) {
        int stride = DIMS + 1;
        double estimate = Vivaldi.rttMillis(coords, i, j, DIMS);
        double w = error[i] / (error[i] + error[j]);
        double es = Math.abs(estimate - rtt) / rtt;
        error[i] = Math.min(1.5, es * CE * w + error[i] * (1 - CE * w));
        double delta = CC * w;
        double force = delta * (rtt - estimate);
        double[] unit = new double[DIMS];
        double length = 0;
        for (int d = 0; d < DIMS; d++) {
            unit[d] = coords[i * stride + d] - coords[j * stride + d];
            length += unit[d] * unit[d];
        }
        length = Math.sqrt(length);
        if (length < 1e-6) {
            // Same place: push in a random direction so the nodes can separate.
            length = 0;
            for (int d = 0; d < DIMS; d++) {
                unit[d] = random.nextGaussian();
                length += unit[d] * unit[d];
            }
            length = Math.sqrt(length);
        }
        double heightSum = coords[i * stride + DIMS] + coords[j * stride + DIMS];
        double vectorLength = Math.max(length, 1e-6);
        for (int d = 0; d < DIMS; d++) {
            coords[i * stride + d] += (float) (force * unit[d] / (vectorLength + heightSum) );
        }
        // The height gets its share of the force, as if it were one more (always positive) dimension.
        double newHeight = coords[i * stride + DIMS] + force * coords[i * stride + DIMS] / (vectorLength + heightSum);
        coords[i * stride + DIMS] = (float) Math.max(MIN_HEIGHT, newHeight);
    }
}
