package io.github.iskahomes.analytics.examples;

import java.util.Map;
import java.util.TreeMap;

/** {@code --name value} / {@code --name=value} flags, each falling back to an environment variable, then a default. */
public record Flags(Map<String, String> values) {

    public static Flags parse(String[] args) {
        Map<String, String> values = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            int eq = name.indexOf('=');
            if (eq > 0) {
                values.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(name, args[++i]);
            } else {
                values.put(name, "true");
            }
        }
        return new Flags(values);
    }

    /** The flag, else the environment variable {@code env}, else {@code fallback}. */
    public String get(String name, String env, String fallback) {
        String value = values.get(name);
        if (value == null && env != null) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    public int integer(String name, String env, int fallback) {
        return Integer.parseInt(get(name, env, Integer.toString(fallback)));
    }
}
