//! The server's Leptos site settings (address, site root, reload port, environment),
//! read from `Leptos.toml` and overridable by `LEPTOS_*` variables.

use leptos::config::LeptosOptions;

pub const SITE_CONFIG_FILE: &str = "Leptos.toml";

pub fn load_site_options(path: &str) -> Result<LeptosOptions, String> {
    leptos_config::get_configuration(Some(path))
        .map(|conf| conf.leptos_options)
        .map_err(|e| format!("cannot read {path}: {e}"))
}
