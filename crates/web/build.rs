// The web crate embeds web/dist/ (built by `make assets`: npm ci + node web/build.mjs).
fn main() {
    // The manifest directory of this build (read at run time: a build script
    // binary may be reused from a cache that was built in another checkout).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dist = std::path::Path::new(&manifest).join("../../web/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    for f in [
        "utrecht-components.css",
        "utrecht-theme.css",
        "app.css",
        "kaart.js",
        "maplibre-gl-csp.js",
        "maplibre-gl-csp-worker.js",
        "maplibre-gl.css",
    ] {
        let p = dist.join(f);
        println!("cargo:rerun-if-changed={}", p.display());
        if !p.exists() {
            panic!(
                "web asset {} is missing: run `make assets` (npm ci in web/ and node web/build.mjs) before building",
                p.display()
            );
        }
    }
}
