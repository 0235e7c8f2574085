package io.avalanche.rpm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintWriter;

/** Prints a result either as human text or as JSON (--json). */
final class Output {
    private Output() {
    }

    /** Created on first JSON use only: Jackson costs ~0.2 s of start-up that text output does not need. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    static void print(PrintWriter out, boolean json, Object result, String text) {
        if (json) {
            out.println(toJson(result));
        } else {
            out.println(text);
        }
        out.flush();
    }

    static String toJson(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
        }
    }
}
