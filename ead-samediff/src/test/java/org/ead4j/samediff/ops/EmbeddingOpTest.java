package org.ead4j.samediff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.ead4j.samediff.compat.QuietGradientBuild;
import org.ead4j.samediff.nd.HostArrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class EmbeddingOpTest {

    @BeforeAll
    static void register() {
        CustomOps.ensureRegistered();
    }

    @Test
    void lookupAndScatterAddGradient() {
        int v = 5;
        int d = 3;
        float[] table = new float[v * d];
        for (int i = 0; i < table.length; i++) {
            table[i] = i * 0.5f - 2f;
        }
        SameDiff sd = SameDiff.create();
        SDVariable e = sd.var("e", Nd4j.create(table, new long[]{v, d}, 'c'));
        SDVariable ids = sd.placeHolder("ids", DataType.INT32, -1);
        SDVariable w = sd.placeHolder("w", DataType.FLOAT, -1, d);
        SDVariable rows = EmbeddingOp.lookup(sd, e, ids);
        rows.mul(w).sum().rename("loss");
        sd.setLossVariables("loss");
        int[] idv = {4, 1, 4, 0};
        float[] wv = new float[idv.length * d];
        for (int i = 0; i < wv.length; i++) {
            wv[i] = i + 1;
        }
        Map<String, INDArray> ph = Map.of("ids", Nd4j.createFromArray(idv), "w", Nd4j.create(wv, new long[]{idv.length, d}, 'c'));
        float[] out = HostArrays.toFloats(sd.output(ph, rows.name()).get(rows.name()));
        for (int n = 0; n < idv.length; n++) {
            for (int j = 0; j < d; j++) {
                assertTrue(out[n * d + j] == table[idv[n] * d + j]);
            }
        }
        // d loss / d e[r, j] = sum of w[n, j] over the n with ids[n] = r (row 4 twice, rows 2 and 3 never)
        float[] want = new float[v * d];
        for (int n = 0; n < idv.length; n++) {
            for (int j = 0; j < d; j++) {
                want[idv[n] * d + j] += wv[n * d + j];
            }
        }
        QuietGradientBuild.ensureGradFunction(sd);
        float[] grad = HostArrays.toFloats(sd.calculateGradients(ph, "e").get("e"));
        assertArrayEquals(want, grad, 0f);
    }

    @Test
    void outOfRangeIdIsAnErrorNotACrash() {
        SameDiff sd = SameDiff.create();
        SDVariable e = sd.var("e", Nd4j.ones(DataType.FLOAT, 3, 2));
        SDVariable ids = sd.placeHolder("ids", DataType.INT32, -1);
        SDVariable rows = EmbeddingOp.lookup(sd, e, ids);
        Exception ex = assertThrows(RuntimeException.class,
                () -> sd.output(Map.of("ids", Nd4j.createFromArray(0, 3)), rows.name()));
        Throwable t = ex;
        boolean named = false;
        while (t != null) {
            named |= t.getMessage() != null && t.getMessage().contains("id 3 at flat index 1");
            t = t.getCause();
        }
        assertTrue(named, "message should name the bad id: " + ex);
    }
}
