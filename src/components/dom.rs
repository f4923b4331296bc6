//! The few direct DOM writes the app needs, for things outside Leptos's tree
//! (the `<html>` element and `document.cookie`). No-ops on the server.

/// Sets an attribute on the document's root `<html>` element.
pub fn set_root_attribute(name: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute(name, value);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, value);
}

/// Reads an attribute of the root `<html>` element, as the server rendered it.
#[cfg(not(feature = "ssr"))]
pub fn root_attribute(name: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|root| root.get_attribute(name))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = name;
        None
    }
}

/// Stores a cookie through `document.cookie`.
pub fn set_cookie(assignment: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(doc) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        {
            let _ = doc.set_cookie(assignment);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = assignment;
}

/// Marks the page as hydrated (`<html data-hydrated="true">`), so tests and
/// styles can tell when the client has taken over.
pub fn mark_hydrated() {
    set_root_attribute("data-hydrated", "true");
}
