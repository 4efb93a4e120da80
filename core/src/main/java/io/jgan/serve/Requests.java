package io.jgan.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.jgan.config.ModelConfig;
import io.jgan.format.Json;

/**
 * Reads what a request asks for: query parameters and JSON bodies, each checked against its
 * range, with a 400 and a one-line reason ({@link ApiError}) for anything a client got wrong.
 */
final class Requests {

    private Requests() {}

    /**
     * An integer query parameter.
     *
     * @param ctx the request
     * @param name the parameter
     * @param fallback its value when absent
     * @param min least value
     * @param max greatest value
     * @return the value
     */
    static int intParam(Context ctx, String name, int fallback, int min, int max) {
        Integer v = optionalInt(ctx, name, min, max);
        return v != null ? v : fallback;
    }

    /**
     * An optional integer query parameter.
     *
     * @param ctx the request
     * @param name the parameter
     * @param min least value
     * @param max greatest value
     * @return the value, or null when absent
     */
    static Integer optionalInt(Context ctx, String name, int min, int max) {
        Long v = optionalLong(ctx, name, min, max);
        return v == null ? null : v.intValue();
    }

    /**
     * A long query parameter.
     *
     * @param ctx the request
     * @param name the parameter
     * @param fallback its value when absent
     * @param min least value
     * @param max greatest value
     * @return the value
     */
    static long longParam(Context ctx, String name, long fallback, long min, long max) {
        Long v = optionalLong(ctx, name, min, max);
        return v != null ? v : fallback;
    }

    /** A query parameter as an integer in [min, max], or null when absent. */
    private static Long optionalLong(Context ctx, String name, long min, long max) {
        String s = ctx.queryParam(name);
        if (s == null || s.isEmpty()) {
            return null;
        }
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + "=" + RunIndex.abbreviate(s) + " is not an integer");
        }
        if (v < min || v > max) {
            throw ApiError.badRequest(name + "=" + RunIndex.abbreviate(s) + " is out of range: use " + min + ".." + max);
        }
        return v;
    }

    /**
     * A request body that must be a JSON object holding an array of 1..max entries.
     *
     * @param text the body
     * @param field the array's name, e.g. {@code z}
     * @param per what one entry is, e.g. {@code sample}
     * @param holds what the array holds, for the message
     * @param unit what the entries are counted as, e.g. {@code vectors}
     * @param max most entries
     * @return the body
     */
    static JsonNode arrayBody(String text, String field, String per, String holds, String unit, int max) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("the body is not JSON: send {\"" + field + "\": [[...], ...]} with one array per "
                    + per);
        }
        if (body == null || !body.isObject() || !body.path(field).isArray()) {
            throw ApiError.badRequest("the body needs \"" + field + "\": an array of " + holds);
        }
        int n = body.get(field).size();
        if (n < 1 || n > max) {
            throw ApiError.badRequest("\"" + field + "\" holds " + n + " " + unit + ": send 1.." + max);
        }
        return body;
    }

    /**
     * An integer field of a JSON body.
     *
     * @param v the value
     * @param name its name, for the message
     * @param min least value
     * @param max greatest value
     * @return the value
     */
    static int intIn(JsonNode v, String name, int min, int max) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw ApiError.badRequest("\"" + name + "\" must be an integer in " + min + ".." + max);
        }
        return v.asInt();
    }

    /**
     * The latent vectors of a generate body.
     *
     * @param zs the {@code z} array
     * @param m the generator's model
     * @return (n, latentDim) row-major
     */
    static float[] latentVectors(JsonNode zs, ModelConfig m) {
        int n = zs.size();
        float[] z = new float[n * m.latentDim()];
        for (int i = 0; i < n; i++) {
            JsonNode v = zs.get(i);
            if (!v.isArray() || v.size() != m.latentDim()) {
                throw ApiError.badRequest("z[" + i + "] has " + (v.isArray() ? v.size() + " values" : "no array")
                        + " but this generator takes vectors of " + m.latentDim());
            }
            for (int d = 0; d < m.latentDim(); d++) {
                JsonNode x = v.get(d);
                if (!x.isNumber() || !Double.isFinite(x.asDouble()) || Math.abs(x.asDouble()) > 1e4) {
                    throw ApiError.badRequest("z[" + i + "][" + d + "] is " + RunIndex.abbreviate(x.toString())
                            + ": every value must be a finite number within +-10000");
                }
                z[i * m.latentDim() + d] = (float) x.asDouble();
            }
        }
        return z;
    }

    /**
     * The images of a translate body, in the generator's pixel range.
     *
     * @param images the {@code images} array, each C*H*W values in [0, 1]
     * @param m the generator's model
     * @return (n, dataDim) row-major
     */
    static float[] images(JsonNode images, ModelConfig m) {
        int n = images.size();
        int dim = m.dataDim();
        float[] x = new float[n * dim];
        for (int i = 0; i < n; i++) {
            JsonNode img = images.get(i);
            if (!img.isArray() || img.size() != dim) {
                throw ApiError.badRequest("images[" + i + "] has " + (img.isArray() ? img.size() + " values" : "no array")
                        + " but this generator takes " + m.channels() + "x" + m.height() + "x" + m.width() + " = "
                        + dim);
            }
            for (int k = 0; k < dim; k++) {
                JsonNode v = img.get(k);
                if (!v.isNumber() || !(v.asDouble() >= 0 && v.asDouble() <= 1)) {
                    throw ApiError.badRequest("images[" + i + "][" + k + "] is " + RunIndex.abbreviate(v.toString())
                            + ": every pixel must be a number in [0, 1]");
                }
                x[i * dim + k] = m.range().fromZeroOne(v.asDouble());
            }
        }
        return x;
    }

    /**
     * The labels of a generate body: one class per vector.
     *
     * @param node the {@code labels} array
     * @param n vectors
     * @param m the generator's model
     * @return the classes
     */
    static int[] labels(JsonNode node, int n, ModelConfig m) {
        if (!node.isArray() || node.size() != n) {
            throw ApiError.badRequest("\"labels\" must hold one class per vector of \"z\" (" + n + ")");
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = label(m, intIn(node.get(i), "labels[" + i + "]", 0, Integer.MAX_VALUE));
        }
        return y;
    }

    /**
     * A class asked of a generator.
     *
     * @param m the generator's model
     * @param label the class
     * @return it, when the generator has it
     */
    static int label(ModelConfig m, int label) {
        if (!m.conditional()) {
            throw ApiError.badRequest("this generator is not conditional: it takes no label");
        }
        if (label >= m.classes()) {
            throw ApiError.badRequest("label " + label + " is not a class of this generator: use 0.." + (m.classes() - 1));
        }
        return label;
    }
}
