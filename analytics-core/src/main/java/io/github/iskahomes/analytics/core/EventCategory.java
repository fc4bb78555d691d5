package io.github.iskahomes.analytics.core;

/** The groups of event types. */
public enum EventCategory {
    PROPERTY, IMPRESSION, LEAD, PROFILE, DEVELOPMENT, SYSTEM
}
