package io.safeframe.bench.load;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Weighted choice of the next operation, seeded: two runs with the same arguments send the same sequence. */
final class Mix {

    private final Operation[] operations = Operation.values();
    private final double[] cumulative = new double[operations.length];
    private final SplittableRandom random;

    Mix(Map<Operation, Double> weights, long seed) {
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        if (total <= 0) {
            throw new IllegalArgumentException("the mix needs at least one positive weight");
        }
        double sum = 0;
        for (int i = 0; i < operations.length; i++) {
            sum += weights.getOrDefault(operations[i], 0.0) / total;
            cumulative[i] = sum;
        }
        this.random = new SplittableRandom(seed);
    }

    /** "submit=30,job=45,me=15,console=10" → weights; operations not named get 0. */
    static Map<Operation, Double> parse(String spec) {
        Map<Operation, Double> weights = new EnumMap<>(Operation.class);
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=");
            if (kv.length != 2) {
                throw new IllegalArgumentException("mix entries are name=weight: " + part);
            }
            weights.put(Operation.valueOf(kv[0].trim().toUpperCase(java.util.Locale.ROOT)), Double.parseDouble(kv[1]));
        }
        return weights;
    }

    Operation next() {
        double r = random.nextDouble();
        for (int i = 0; i < cumulative.length; i++) {
            if (r < cumulative[i]) {
                return operations[i];
            }
        }
        return operations[operations.length - 1];
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }
}
