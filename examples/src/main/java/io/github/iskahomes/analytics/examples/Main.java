package io.github.iskahomes.analytics.examples;

import io.github.iskahomes.analytics.examples.demo.Demo;
import io.github.iskahomes.analytics.examples.server.Serve;
import java.util.Arrays;

/**
 * {@code demo}: the whole pipeline on simulated traffic, verified; exits 0 only when every total matches.
 * {@code serve}: the ingest, cron and read endpoints kept running for other programs.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length == 0 ? "demo" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (mode) {
            case "demo" -> System.exit(Demo.run(Flags.parse(rest)) ? 0 : 1);
            case "serve" -> Serve.run(Flags.parse(rest));
            default -> {
                System.err.println("usage: Main demo [--events N] [--days N] [--seed N] [--zone Z]");
                System.err.println("       Main serve [--port N] [--secret S] [--zone Z] [--retention-days N]");
                System.exit(2);
            }
        }
    }
}
