package io.c2c.contracts.event;

import java.util.List;

/**
 * A Vivaldi network coordinate reported by the browser: the estimated round-trip time between two
 * peers is the Euclidean distance of their vectors plus both heights, in milliseconds.
 *
 * @param vector position in milliseconds (a few dimensions)
 * @param height the access-link part of the delay, milliseconds, non-negative
 * @param error  the peer's own relative error estimate (0..1.5)
 */
public record Coordinate(List<Double> vector, double height, double error) {

    static final int MAX_DIMENSIONS = 8;

    public Coordinate {
        vector = vector == null ? List.of() : List.copyOf(vector);
        if (vector.size() > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("at most " + MAX_DIMENSIONS + " coordinate dimensions");
        }
        for (Double component : vector) {
            if (component == null || !Double.isFinite(component)) {
                throw new IllegalArgumentException("coordinate components must be finite numbers");
            }
        }
        if (!Double.isFinite(height) || height < 0) {
            throw new IllegalArgumentException("height must be a finite non-negative number");
        }
        if (!Double.isFinite(error) || error < 0) {
            throw new IllegalArgumentException("error must be a finite non-negative number");
        }
    }
}
