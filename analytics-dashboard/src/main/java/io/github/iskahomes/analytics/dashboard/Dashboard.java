package io.github.iskahomes.analytics.dashboard;

/**
 * Where the dashboard's pages are in this jar. They are static files under {@value #RESOURCES}, which every Servlet
 * 3+ container serves from a jar in {@code WEB-INF/lib} at {@code /iska-analytics/}; the Spring Boot starter mounts
 * them at {@code analytics.dashboard.path} and the analytics server at {@code /}. The pages call the endpoints the
 * starter's {@code DashboardController} serves, at the path {@code config.js} names ({@code /api/dashboard} in the
 * jar's own copy).
 */
public final class Dashboard {
    /** The folder of the pages on the classpath. */
    public static final String RESOURCES = "META-INF/resources/iska-analytics/";
    /** The uPlot release the pages ship, from {@code org.webjars.npm:uplot}. */
    public static final String UPLOT_VERSION = "1.6.30";

    private Dashboard() {
    }
}
