package org.ead4j.samediff.io;

import java.util.ArrayList;
import java.util.List;

/**
 * The element types a safetensors header may name, with their sizes. ead4j reads {@link #F32}, {@link #BF16} and
 * {@link #F16} (converted to float32) and writes the same three; a header naming another known type opens, but
 * reading that tensor is refused.
 */
public enum SafetensorsDtype {
    /** Boolean, one byte. */
    BOOL(1, false),
    /** Unsigned 8-bit integer. */
    U8(1, false),
    /** Signed 8-bit integer. */
    I8(1, false),
    /** 8-bit float, 5 exponent bits. */
    F8_E5M2(1, false),
    /** 8-bit float, 4 exponent bits. */
    F8_E4M3(1, false),
    /** Signed 16-bit integer. */
    I16(2, false),
    /** Unsigned 16-bit integer. */
    U16(2, false),
    /** IEEE half precision. */
    F16(2, true),
    /** bfloat16: the upper 16 bits of a float32. */
    BF16(2, true),
    /** Signed 32-bit integer. */
    I32(4, false),
    /** Unsigned 32-bit integer. */
    U32(4, false),
    /** IEEE single precision. */
    F32(4, true),
    /** IEEE double precision. */
    F64(8, false),
    /** Signed 64-bit integer. */
    I64(8, false),
    /** Unsigned 64-bit integer. */
    U64(8, false);

    private final int bytes;
    private final boolean supported;

    SafetensorsDtype(int bytes, boolean supported) {
        this.bytes = bytes;
        this.supported = supported;
    }

    /** @return bytes per element */
    public int bytes() {
        return bytes;
    }

    /** @return whether ead4j reads and writes this type */
    public boolean supported() {
        return supported;
    }

    /** @return the names of the types ead4j reads and writes, e.g. "F32, BF16, F16" */
    public static String supportedNames() {
        List<String> out = new ArrayList<>();
        for (SafetensorsDtype d : new SafetensorsDtype[]{F32, BF16, F16}) {
            out.add(d.name());
        }
        return String.join(", ", out);
    }

    /**
     * @param name the header's dtype string
     * @return the type, or null when the name is not a safetensors type
     */
    public static SafetensorsDtype byName(String name) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /**
     * The type for a user-facing name: float32/F32, bfloat16/BF16, float16/F16 (case-insensitive).
     *
     * @param name the name
     * @return the type
     * @throws IllegalArgumentException for any other name
     */
    public static SafetensorsDtype parse(String name) {
        switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "float32": case "f32": return F32;
            case "bfloat16": case "bf16": return BF16;
            case "float16": case "f16": return F16;
            default:
                throw new IllegalArgumentException("dtype = " + name + " is invalid: must be float32, bfloat16 or float16");
        }
    }

    /** @return the PyTorch name of a supported type ("float32", "bfloat16", "float16"), as config.json's torch_dtype */
    public String torchName() {
        switch (this) {
            case F32: return "float32";
            case BF16: return "bfloat16";
            case F16: return "float16";
            default: return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
