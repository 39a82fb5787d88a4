// The web crate embeds web/dist/ (built by `make assets`: npm ci + node web/build.mjs).
fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    for f in ["utrecht-components.css", "utrecht-theme.css", "app.css"] {
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
