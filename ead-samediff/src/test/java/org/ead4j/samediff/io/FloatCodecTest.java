package org.ead4j.samediff.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FloatCodecTest {

    @Test
    void bf16RoundsToNearestEvenLikePyTorch() {
        assertEquals(0x3F80, FloatCodec.floatToBf16(1.0f) & 0xFFFF);
        assertEquals(0xC000, FloatCodec.floatToBf16(-2.0f) & 0xFFFF);
        // 1 + 2^-8 lies half-way between 1 (0x3F80, even) and 1 + 2^-7 (0x3F81): ties go to even
        assertEquals(0x3F80, FloatCodec.floatToBf16(1f + 0x1p-8f) & 0xFFFF);
        // 1 + 3 * 2^-8 lies half-way between 0x3F81 (odd) and 0x3F82: ties go to even
        assertEquals(0x3F82, FloatCodec.floatToBf16(1f + 3 * 0x1p-8f) & 0xFFFF);
        // just above the tie rounds up
        assertEquals(0x3F81, FloatCodec.floatToBf16(Math.nextUp(1f + 0x1p-8f)) & 0xFFFF);
        assertEquals(0x7FC0, FloatCodec.floatToBf16(Float.NaN) & 0xFFFF);
        assertEquals(0x7FC0, FloatCodec.floatToBf16(Float.intBitsToFloat(0xFF800001)) & 0xFFFF);
        assertEquals(0x7F80, FloatCodec.floatToBf16(Float.POSITIVE_INFINITY) & 0xFFFF);
        assertEquals(0xFF80, FloatCodec.floatToBf16(Float.NEGATIVE_INFINITY) & 0xFFFF);
        assertEquals(0x7F80, FloatCodec.floatToBf16(Float.MAX_VALUE) & 0xFFFF); // rounds up to infinity
        assertEquals(0x8000, FloatCodec.floatToBf16(-0.0f) & 0xFFFF);
    }

    @Test
    void everyBf16PatternSurvivesARoundTrip() {
        for (int b = 0; b < 0x10000; b++) {
            float f = FloatCodec.bf16ToFloat(b);
            if (Float.isNaN(f)) {
                assertEquals(0x7FC0, FloatCodec.floatToBf16(f) & 0xFFFF);
            } else {
                assertEquals(b, FloatCodec.floatToBf16(f) & 0xFFFF, "pattern " + Integer.toHexString(b));
            }
        }
    }

    @Test
    void f16RoundsToNearestEvenWithSubnormalsAndOverflow() {
        assertEquals(0x3C00, FloatCodec.floatToF16(1.0f) & 0xFFFF);
        assertEquals(0x7BFF, FloatCodec.floatToF16(65504f) & 0xFFFF);
        assertEquals(0x7BFF, FloatCodec.floatToF16(65519.99f) & 0xFFFF);
        assertEquals(0x7C00, FloatCodec.floatToF16(65520f) & 0xFFFF);
        assertEquals(0x0001, FloatCodec.floatToF16(0x1p-24f) & 0xFFFF);
        assertEquals(0x0000, FloatCodec.floatToF16(0x1p-25f) & 0xFFFF);          // tie to even (zero)
        assertEquals(0x0001, FloatCodec.floatToF16(1.5f * 0x1p-25f) & 0xFFFF);
        assertEquals(0x0002, FloatCodec.floatToF16(3 * 0x1p-25f) & 0xFFFF);      // tie 1.5 units -> 2
        assertEquals(0x0400, FloatCodec.floatToF16(0x1p-14f) & 0xFFFF);          // smallest normal
        assertEquals(0x3C00, FloatCodec.floatToF16(1f + 0x1p-11f) & 0xFFFF);     // tie to even
        assertEquals(0x3C02, FloatCodec.floatToF16(1f + 3 * 0x1p-11f) & 0xFFFF); // tie to even
        assertEquals(0x8000, FloatCodec.floatToF16(-0.0f) & 0xFFFF);
        assertEquals(0xFC00, FloatCodec.floatToF16(Float.NEGATIVE_INFINITY) & 0xFFFF);
        assertTrue(Float.isNaN(FloatCodec.f16ToFloat(FloatCodec.floatToF16(Float.NaN))));
    }

    @Test
    void everyF16PatternSurvivesARoundTripAndMatchesItsValue() {
        for (int b = 0; b < 0x10000; b++) {
            float f = FloatCodec.f16ToFloat(b);
            int exp = (b >>> 10) & 0x1F;
            int mant = b & 0x3FF;
            if (exp == 31 && mant != 0) {
                assertTrue(Float.isNaN(f));
                continue;
            }
            double expected = (exp == 0 ? mant * Math.pow(2, -24) : (1 + mant / 1024.0) * Math.pow(2, exp - 15));
            if (exp == 31) {
                expected = Double.POSITIVE_INFINITY;
            }
            assertEquals((b & 0x8000) != 0 ? -expected : expected, f, 0.0, "pattern " + Integer.toHexString(b));
            assertEquals(b, FloatCodec.floatToF16(f) & 0xFFFF, "pattern " + Integer.toHexString(b));
        }
    }
}
