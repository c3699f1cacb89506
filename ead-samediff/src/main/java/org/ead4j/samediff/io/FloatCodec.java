package org.ead4j.samediff.io;

/**
 * Bit-exact conversions between float32 and the 16-bit formats, as PyTorch does them: bfloat16 by round to nearest
 * even with every NaN written as the canonical quiet NaN 0x7FC0 (c10::BFloat16), float16 by IEEE round to nearest
 * even with subnormals and overflow to infinity.
 */
public final class FloatCodec {

    private FloatCodec() {
    }

    /**
     * @param bits a bfloat16 bit pattern (low 16 bits used)
     * @return the exact float32 value
     */
    public static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /**
     * @param f a float32
     * @return its bfloat16 bit pattern, rounded to nearest even
     */
    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) 0x7FC0;
        }
        int bias = 0x7FFF + ((x >>> 16) & 1);
        return (short) ((x + bias) >>> 16);
    }

    /**
     * @param bits an IEEE half-precision bit pattern (low 16 bits used)
     * @return the exact float32 value
     */
    public static float f16ToFloat(int bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal (or zero): exact
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * @param f a float32
     * @return its IEEE half-precision bit pattern, rounded to nearest even (overflow gives infinity)
     */
    public static short floatToF16(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int abs = x & 0x7FFFFFFF;
        if (abs >= 0x7F800000) { // infinity, or NaN keeping its top payload bits and quiet
            return (short) (sign | 0x7C00 | (abs > 0x7F800000 ? 0x200 | ((abs >>> 13) & 0x3FF) : 0));
        }
        if (abs >= 0x477FF000) { // >= 65520 rounds to infinity
            return (short) (sign | 0x7C00);
        }
        int e = abs >>> 23;
        int m = abs & 0x7FFFFF;
        if (e < 113) { // below 2^-14: a half subnormal, in units of 2^-24
            if (e < 102) {
                return (short) sign; // below 2^-25: rounds to zero
            }
            m |= 0x800000;
            int shift = 126 - e;
            int q = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (q & 1) == 1)) {
                q++;
            }
            return (short) (sign | q);
        }
        int q = ((e - 112) << 10) | (m >>> 13);
        int rem = m & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (q & 1) == 1)) {
            q++; // a carry into the exponent is the correct next binade
        }
        return (short) (sign | q);
    }
}
