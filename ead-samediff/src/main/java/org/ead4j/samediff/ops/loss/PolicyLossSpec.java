package org.ead4j.samediff.ops.loss;

/**
 * The complete, immutable configuration of a {@link PolicyLossOp}, and its encoding as op arguments.
 *
 * <p>SameDiff clones every op through FlatBuffers when it builds the gradient graph and drops plain
 * Java fields (deeplearning4j#9670; docs/dl4j-m2.1-workarounds.md, entry 3), so the op carries this spec
 * only as iArgs and tArgs:
 * <pre>
 *   iArgs [0 mode, 1 aggregation, 2 importance-sampling level, 3 KL estimator, 4 dual clip (0/1)]
 *         enums by ordinal: {@link PolicyLossMode}, {@link LossAggregation}, {@link ImportanceSamplingLevel}, {@link KlEstimator}
 *   tArgs [0 clip_ratio_low, 1 clip_ratio_high, 2 clip_ratio_c, 3 clip_cov_ratio, 4 clip_cov_lb,
 *          5 clip_cov_ub, 6 kl_cov_ratio, 7 ppo_kl_coef, 8 IS cap, 9 kl_loss_coef, 10 entropy_coeff,
 *          11 loss_scale_factor (0 = padded length T)]
 * </pre>
 * Defaults are verl's ({@code actor.*} and {@code actor.policy_loss.*}), except the KL and entropy
 * coefficients, which are 0 (off), and the importance sampling, which is off.
 */
public final class PolicyLossSpec {

    /** Number of iArgs. */
    public static final int NUM_IARGS = 5;
    /** Number of tArgs. */
    public static final int NUM_TARGS = 12;

    private final PolicyLossMode mode;
    private final LossAggregation aggregation;
    private final double clipRatioLow;
    private final double clipRatioHigh;
    private final boolean dualClip;
    private final double clipRatioC;
    private final double clipCovRatio;
    private final double clipCovLb;
    private final double clipCovUb;
    private final double klCovRatio;
    private final double ppoKlCoef;
    private final ImportanceSamplingLevel isLevel;
    private final double isCap;
    private final KlEstimator klEstimator;
    private final double klCoef;
    private final double entropyCoeff;
    private final double lossScaleFactor;

    private PolicyLossSpec(Builder b) {
        mode = b.mode;
        aggregation = b.aggregation;
        clipRatioLow = b.clipRatioLow;
        clipRatioHigh = b.clipRatioHigh;
        dualClip = b.dualClip;
        clipRatioC = b.clipRatioC;
        clipCovRatio = b.clipCovRatio;
        clipCovLb = b.clipCovLb;
        clipCovUb = b.clipCovUb;
        klCovRatio = b.klCovRatio;
        ppoKlCoef = b.ppoKlCoef;
        isLevel = b.isLevel;
        isCap = b.isCap;
        klEstimator = b.klEstimator;
        klCoef = b.klCoef;
        entropyCoeff = b.entropyCoeff;
        lossScaleFactor = b.lossScaleFactor;
        validate();
    }

    /** @return a builder holding verl's defaults (vanilla PPO clip 0.2/0.2, dual clip 3, token-mean) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder initialised from this spec */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.mode = mode;
        b.aggregation = aggregation;
        b.clipRatioLow = clipRatioLow;
        b.clipRatioHigh = clipRatioHigh;
        b.dualClip = dualClip;
        b.clipRatioC = clipRatioC;
        b.clipCovRatio = clipCovRatio;
        b.clipCovLb = clipCovLb;
        b.clipCovUb = clipCovUb;
        b.klCovRatio = klCovRatio;
        b.ppoKlCoef = ppoKlCoef;
        b.isLevel = isLevel;
        b.isCap = isCap;
        b.klEstimator = klEstimator;
        b.klCoef = klCoef;
        b.entropyCoeff = entropyCoeff;
        b.lossScaleFactor = lossScaleFactor;
        return b;
    }

    private void validate() {
        if (mode == null || aggregation == null || isLevel == null || klEstimator == null) {
            throw new IllegalArgumentException("mode, aggregation, importance-sampling level and KL estimator must be set");
        }
        range("clip_ratio_low", clipRatioLow, 0, 1);
        range("clip_ratio_high", clipRatioHigh, 0, Double.MAX_VALUE);
        if (dualClip && !(clipRatioC > 1 && Double.isFinite(clipRatioC))) {
            throw new IllegalArgumentException("clip_ratio_c = " + clipRatioC
                    + " is invalid: the dual-clip bound must be a finite number > 1 (or disable dual clip)");
        }
        if (!(clipCovRatio > 0 && clipCovRatio <= 1)) {
            throw new IllegalArgumentException("clip_cov_ratio = " + clipCovRatio + " is invalid: must be in (0, 1]");
        }
        finite("clip_cov_lb", clipCovLb);
        finite("clip_cov_ub", clipCovUb);
        if (!(clipCovLb < clipCovUb)) {
            throw new IllegalArgumentException("clip_cov_lb = " + clipCovLb + " is invalid: must be < clip_cov_ub ("
                    + clipCovUb + ")");
        }
        if (!(klCovRatio > 0 && klCovRatio <= 1)) {
            throw new IllegalArgumentException("kl_cov_ratio = " + klCovRatio + " is invalid: must be in (0, 1]");
        }
        range("ppo_kl_coef", ppoKlCoef, 0, Double.MAX_VALUE);
        if (!(isCap > 0 && Double.isFinite(isCap))) {
            throw new IllegalArgumentException("importance-sampling cap = " + isCap + " is invalid: must be a finite number > 0");
        }
        range("kl_loss_coef", klCoef, 0, Double.MAX_VALUE);
        finite("entropy_coeff", entropyCoeff);
        range("loss_scale_factor", lossScaleFactor, 0, Double.MAX_VALUE);
    }

    private static void finite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " = " + v + " is invalid: must be a finite number");
        }
    }

    private static void range(String name, double v, double lo, double hi) {
        finite(name, v);
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(name + " = " + v + " is invalid: must be in [" + lo + ", "
                    + (hi == Double.MAX_VALUE ? "inf" : String.valueOf(hi)) + "]");
        }
    }

    /** @return the op's iArgs (layout in the class Javadoc) */
    public long[] iArgs() {
        return new long[]{mode.ordinal(), aggregation.ordinal(), isLevel.ordinal(), klEstimator.ordinal(),
                dualClip ? 1 : 0};
    }

    /** @return the op's tArgs (layout in the class Javadoc) */
    public double[] tArgs() {
        return new double[]{clipRatioLow, clipRatioHigh, clipRatioC, clipCovRatio, clipCovLb, clipCovUb,
                klCovRatio, ppoKlCoef, isCap, klCoef, entropyCoeff, lossScaleFactor};
    }

    /**
     * Decodes a spec from op arguments.
     *
     * @param iArgs the op's iArgs
     * @param tArgs the op's tArgs
     * @return the spec
     * @throws IllegalStateException if the arguments do not have the expected layout
     */
    public static PolicyLossSpec decode(long[] iArgs, double[] tArgs) {
        if (iArgs == null || tArgs == null || iArgs.length != NUM_IARGS || tArgs.length != NUM_TARGS) {
            throw new IllegalStateException("policy loss op arguments have the wrong layout: expected "
                    + NUM_IARGS + " iArgs and " + NUM_TARGS + " tArgs, got "
                    + (iArgs == null ? 0 : iArgs.length) + " and " + (tArgs == null ? 0 : tArgs.length));
        }
        Builder b = new Builder();
        b.mode = PolicyLossMode.values()[(int) iArgs[0]];
        b.aggregation = LossAggregation.values()[(int) iArgs[1]];
        b.isLevel = ImportanceSamplingLevel.values()[(int) iArgs[2]];
        b.klEstimator = KlEstimator.values()[(int) iArgs[3]];
        b.dualClip = iArgs[4] != 0;
        b.clipRatioLow = tArgs[0];
        b.clipRatioHigh = tArgs[1];
        b.clipRatioC = tArgs[2];
        b.clipCovRatio = tArgs[3];
        b.clipCovLb = tArgs[4];
        b.clipCovUb = tArgs[5];
        b.klCovRatio = tArgs[6];
        b.ppoKlCoef = tArgs[7];
        b.isCap = tArgs[8];
        b.klCoef = tArgs[9];
        b.entropyCoeff = tArgs[10];
        b.lossScaleFactor = tArgs[11];
        return b.build();
    }

    /** @return the surrogate */
    public PolicyLossMode mode() {
        return mode;
    }

    /** @return the aggregation ({@code loss_agg_mode}) */
    public LossAggregation aggregation() {
        return aggregation;
    }

    /** @return eps_low ({@code clip_ratio_low}) */
    public double clipRatioLow() {
        return clipRatioLow;
    }

    /** @return eps_high ({@code clip_ratio_high}) */
    public double clipRatioHigh() {
        return clipRatioHigh;
    }

    /** @return whether the dual clip applies (vanilla mode only) */
    public boolean dualClip() {
        return dualClip;
    }

    /** @return the dual-clip bound c ({@code clip_ratio_c}) */
    public double clipRatioC() {
        return clipRatioC;
    }

    /** @return Clip-Cov's share r of tokens to mask ({@code clip_cov_ratio}) */
    public double clipCovRatio() {
        return clipCovRatio;
    }

    /** @return Clip-Cov's lower covariance bound ({@code clip_cov_lb}) */
    public double clipCovLb() {
        return clipCovLb;
    }

    /** @return Clip-Cov's upper covariance bound ({@code clip_cov_ub}) */
    public double clipCovUb() {
        return clipCovUb;
    }

    /** @return KL-Cov's share k of tokens to penalise ({@code kl_cov_ratio}) */
    public double klCovRatio() {
        return klCovRatio;
    }

    /** @return KL-Cov's penalty coefficient beta ({@code ppo_kl_coef}) */
    public double ppoKlCoef() {
        return ppoKlCoef;
    }

    /** @return the importance-sampling level */
    public ImportanceSamplingLevel isLevel() {
        return isLevel;
    }

    /** @return the importance-weight cap */
    public double isCap() {
        return isCap;
    }

    /** @return the KL-to-reference estimator ({@code kl_loss_type}) */
    public KlEstimator klEstimator() {
        return klEstimator;
    }

    /** @return the KL-to-reference coefficient ({@code kl_loss_coef}) */
    public double klCoef() {
        return klCoef;
    }

    /** @return the entropy-bonus coefficient ({@code entropy_coeff}) */
    public double entropyCoeff() {
        return entropyCoeff;
    }

    /** @return the divisor of {@code seq-mean-token-sum-norm}, 0 = padded length T */
    public double lossScaleFactor() {
        return lossScaleFactor;
    }

    @Override
    public String toString() {
        return "PolicyLossSpec(mode=" + mode.verlName() + ", agg=" + aggregation.verlName()
                + ", clip=[" + clipRatioLow + ", " + clipRatioHigh + "], dualClip=" + dualClip + " c=" + clipRatioC
                + ", clipCov=(" + clipCovRatio + ", " + clipCovLb + ", " + clipCovUb + "), klCov=(" + klCovRatio
                + ", " + ppoKlCoef + "), is=" + isLevel + " cap=" + isCap + ", kl=" + klEstimator.shortName()
                + " coef=" + klCoef + ", entropyCoeff=" + entropyCoeff + ", lossScaleFactor=" + lossScaleFactor + ")";
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private PolicyLossMode mode = PolicyLossMode.VANILLA;
        private LossAggregation aggregation = LossAggregation.TOKEN_MEAN;
        private double clipRatioLow = 0.2;
        private double clipRatioHigh = 0.2;
        private boolean dualClip = true;
        private double clipRatioC = 3.0;
        private double clipCovRatio = 2e-4;
        private double clipCovLb = 1.0;
        private double clipCovUb = 5.0;
        private double klCovRatio = 2e-4;
        private double ppoKlCoef = 1.0;
        private ImportanceSamplingLevel isLevel = ImportanceSamplingLevel.OFF;
        private double isCap = 2.0;
        private KlEstimator klEstimator = KlEstimator.K3;
        private double klCoef = 0.0;
        private double entropyCoeff = 0.0;
        private double lossScaleFactor = 0.0;

        private Builder() {
        }

        /**
         * @param v the surrogate (verl {@code loss_mode})
         * @return this builder
         */
        public Builder mode(PolicyLossMode v) {
            mode = v;
            return this;
        }

        /**
         * @param v the aggregation (verl {@code loss_agg_mode})
         * @return this builder
         */
        public Builder aggregation(LossAggregation v) {
            aggregation = v;
            return this;
        }

        /**
         * @param low eps_low (verl {@code clip_ratio_low}, default 0.2)
         * @param high eps_high (verl {@code clip_ratio_high}, default 0.2; DAPO 0.28)
         * @return this builder
         */
        public Builder clipRatio(double low, double high) {
            clipRatioLow = low;
            clipRatioHigh = high;
            return this;
        }

        /**
         * @param enabled whether negative-advantage tokens are bounded by -A c (vanilla only)
         * @param c the bound (verl {@code clip_ratio_c}, default 3; must be &gt; 1)
         * @return this builder
         */
        public Builder dualClip(boolean enabled, double c) {
            dualClip = enabled;
            clipRatioC = c;
            return this;
        }

        /**
         * @param ratio share r of valid tokens to mask (verl {@code clip_cov_ratio}, default 2e-4)
         * @param lb lower covariance bound (verl {@code clip_cov_lb}, default 1)
         * @param ub upper covariance bound (verl {@code clip_cov_ub}, default 5)
         * @return this builder
         */
        public Builder clipCov(double ratio, double lb, double ub) {
            clipCovRatio = ratio;
            clipCovLb = lb;
            clipCovUb = ub;
            return this;
        }

        /**
         * @param ratio share k of valid tokens to penalise (verl {@code kl_cov_ratio}, default 2e-4)
         * @param coef penalty beta (verl {@code ppo_kl_coef}, default 1)
         * @return this builder
         */
        public Builder klCov(double ratio, double coef) {
            klCovRatio = ratio;
            ppoKlCoef = coef;
            return this;
        }

        /**
         * @param level token, sequence or off
         * @param cap the truncation cap (default 2)
         * @return this builder
         */
        public Builder importanceSampling(ImportanceSamplingLevel level, double cap) {
            isLevel = level;
            isCap = cap;
            return this;
        }

        /**
         * @param estimator the per-token KL estimator (verl {@code kl_loss_type}, default k3)
         * @param coef the coefficient (verl {@code kl_loss_coef}; default 0 = off)
         * @return this builder
         */
        public Builder klPenalty(KlEstimator estimator, double coef) {
            klEstimator = estimator;
            klCoef = coef;
            return this;
        }

        /**
         * @param coef entropy-bonus coefficient (verl {@code entropy_coeff}, default 0): loss -= coef * agg(entropy)
         * @return this builder
         */
        public Builder entropyCoeff(double coef) {
            entropyCoeff = coef;
            return this;
        }

        /**
         * @param factor divisor of {@code seq-mean-token-sum-norm} (verl {@code loss_scale_factor}); 0 = padded length T
         * @return this builder
         */
        public Builder lossScaleFactor(double factor) {
            lossScaleFactor = factor;
            return this;
        }

        /**
         * @return the validated spec
         * @throws IllegalArgumentException naming the field, its value and the allowed range
         */
        public PolicyLossSpec build() {
            return new PolicyLossSpec(this);
        }
    }
}
