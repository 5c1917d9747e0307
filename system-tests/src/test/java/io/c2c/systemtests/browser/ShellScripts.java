package io.c2c.systemtests.browser;

/** Scripts the shell's browser tests run in the page (through {@code HeadlessChromium.executeAsync}). */
final class ShellScripts {

    /**
     * Resolves when the shell's frame shows the page titled {@code arguments[0]} with its script run and the shell's URL
     * and title in step (and, if {@code arguments[1]}, on a fresh shell); gives up after {@code arguments[2]} ms.
     */
    static final String WAIT_PAGE = """
            const [title, fresh, timeoutMs, done] = arguments;
            const started = Date.now();
            (function poll() {
              const f = document.getElementById('c2c-site');
              let h = null, runs = 0, controlled = false, framePath = null;
              try {
                h = f.contentDocument.getElementById('h');
                runs = f.contentWindow.appRuns || 0;
                controlled = !!f.contentWindow.navigator.serviceWorker.controller;
                framePath = f.contentWindow.location.pathname;
              } catch (e) { /* frame not ready */ }
              const ok = h && h.textContent === title && runs > 0 && document.title === title && location.pathname === framePath
                  && (!fresh || window.__before === undefined);
              if (ok) return done({path: location.pathname, title: document.title, framePath, controlled});
              if (Date.now() - started > timeoutMs) {
                return done({timeout: true, path: location.pathname, title: document.title, framePath, controlled,
                    h: h && h.textContent, runs});
              }
              setTimeout(poll, 50);
            })();
            """;

    private ShellScripts() {
    }
}
