package io.c2c.discovery.ranking;

/**
 * Round-trip estimates from Vivaldi coordinates (Dabek et al., SIGCOMM 2004, with the height
 * extension as in Serf/Consul): a coordinate is a Euclidean vector plus a non-negative height for
 * the access link, and the estimated RTT between two peers is the distance of their vectors plus
 * both heights. Coordinates are stored flat, {@code dims} components then the height; a NaN height
 * means "no coordinate". Pure functions.
 */
public final class Vivaldi {

    private Vivaldi() {
    }

    /** Estimated RTT in milliseconds, or NaN when either side has no coordinate. */
    public static double rttMillis(float[] coords, int a, int b, int dims) {
        int stride = dims + 1;
        int ao = a * stride;
        int bo = b * stride;
        float ha = coords[ao + dims];
        float hb = coords[bo + dims];
        if (Float.isNaN(ha) || Float.isNaN(hb)) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < dims; i++) {
            double d = coords[ao + i] - coords[bo + i];
            sum += d * d;
        }
        return Math.sqrt(sum) + ha + hb;
    }
}
