package io.c2c.systemtests.browser;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;

/**
 * What the browser tests need from a headless browser, whichever drives it: {@link HeadlessChromium} (W3C WebDriver
 * through chromedriver) or {@link HeadlessFirefox} (WebDriver BiDi, Firefox's built-in remote agent). Scripts follow
 * WebDriver's "execute script" conventions in both: the body sees its arguments in {@code arguments}, a sync script
 * {@code return}s its result, an async one calls the callback passed as its last argument; results come back as JSON.
 */
public interface HeadlessBrowser extends AutoCloseable {

    /** Navigates the top-level page to {@code url} and waits for it to load. */
    void open(String url) throws IOException, InterruptedException;

    /** Runs {@code script} in the top-level page; the JSON of what it returns. */
    JsonNode execute(String script, Object... args) throws IOException, InterruptedException;

    /** Runs {@code script} in the top-level page and waits (at most {@code timeout}) for it to call its callback. */
    JsonNode executeAsync(String script, Duration timeout, Object... args) throws IOException, InterruptedException;

    @Override
    void close();
}
