package io.github.iskahomes.analytics.dashboard;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** An empty Boot app: the analytics beans, endpoints and these pages all come from the starter's auto-configuration. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class DashboardTestApplication {
}
