//! Cargo.toml holds cargo-leptos's build settings, Leptos.toml the server's runtime
//! settings. The keys both hold must agree, or the server looks for files the build
//! did not write.

use std::path::Path;

use investment_system::server::site::load_site_options;
use toml::Value;

fn leptos_section(file: &str) -> toml::Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    doc["package"]["metadata"]["leptos"]
        .as_table()
        .unwrap_or_else(|| panic!("{file} has no [package.metadata.leptos]"))
        .clone()
}

#[test]
fn settings_in_both_files_agree() {
    let build = leptos_section("Cargo.toml");
    let runtime = leptos_section("Leptos.toml");
    let shared: Vec<&String> = runtime.keys().filter(|k| build.contains_key(*k)).collect();
    assert!(
        shared.iter().any(|k| *k == "output-name") && shared.iter().any(|k| *k == "site-root"),
        "both files must name the output and the site root: {shared:?}"
    );
    for key in shared {
        assert_eq!(
            build[key], runtime[key],
            "{key} differs between Cargo.toml and Leptos.toml"
        );
    }
}

#[test]
fn leptos_toml_holds_the_runtime_settings() {
    let runtime = leptos_section("Leptos.toml");
    for key in [
        "site-addr",
        "reload-port",
        "env",
        "site-root",
        "site-pkg-dir",
        "output-name",
    ] {
        assert!(runtime.contains_key(key), "Leptos.toml lacks {key}");
    }
    assert_eq!(runtime["site-addr"], Value::String("127.0.0.1:3000".into()));
}

#[test]
fn the_server_reads_leptos_toml() {
    let options = load_site_options(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("Leptos.toml")
            .to_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(&*options.output_name, "investment-system");
    assert_eq!(&*options.site_pkg_dir, "pkg");
    if std::env::var("LEPTOS_SITE_ADDR").is_err() {
        assert_eq!(options.site_addr.to_string(), "127.0.0.1:3000");
    }
}
