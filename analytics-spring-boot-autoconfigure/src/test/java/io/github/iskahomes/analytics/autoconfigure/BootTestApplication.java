package io.github.iskahomes.analytics.autoconfigure;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** An empty Boot app: everything analytics in it comes from the auto-configuration under test. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BootTestApplication {
}
