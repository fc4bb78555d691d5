/** The runnable examples: {@code Main demo} and {@code Main serve}, and the infrastructure they run on. Not published. */
package io.github.iskahomes.analytics.examples;
