//! A chart on a page: a `<div>` that the browser fills with ECharts (served from
//! `/vendor/echarts.min.js`, copied from the npm package by the build), drawing the
//! charming `Chart` it is given. It redraws when the chart or the theme changes and
//! follows the window's size. Nothing is drawn on the server.

use charming::Chart;
use leptos::prelude::*;

#[component]
pub fn EChart(
    /// The element id ECharts draws into (unique on the page).
    id: &'static str,
    #[prop(into)] chart: Signal<Chart>,
    /// ECharts options merged in after drawing, for what charming cannot express.
    #[prop(optional)]
    patch: Option<serde_json::Value>,
    /// Hears a click on a data item with the item's value (e.g. `[x, y, v]`).
    #[prop(optional)]
    on_click: Option<Callback<serde_json::Value>>,
    #[prop(into)] label: String,
    #[prop(optional, into)] class: String,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let theme = expect_context::<super::theme_toggle::ThemeContext>().0;
        let patch = patch.map(|p| p.to_string());
        Effect::new(move |_| {
            let chart = chart.get();
            let dark = browser::is_dark(theme.get());
            browser::draw_when_ready(id, chart, patch.clone(), on_click, dark, 50);
        });
        let _resize = window_event_listener(leptos::ev::resize, move |_| browser::resize(id));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (chart, patch, on_click);
    view! {
        <div id=id role="img" aria-label=label class=class data-testid="chart"></div>
        <noscript>
            <p class="text-sm text-slate-500">"Charts need JavaScript; the numbers beside them do not."</p>
        </noscript>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use charming::theme::Theme as ChartTheme;
    use charming::{Chart, WasmRenderer};
    use js_sys::{Function, Reflect};
    use leptos::prelude::{Callable, Callback};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    use crate::theme::Theme;

    /// Whether the page is painted dark now (`system` asks the operating system).
    pub fn is_dark(theme: Theme) -> bool {
        match theme {
            Theme::Dark => true,
            Theme::Light => false,
            Theme::System => web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|query| query.matches()),
        }
    }

    fn echarts() -> Option<JsValue> {
        let window = web_sys::window()?;
        Reflect::get(&window, &"echarts".into())
            .ok()
            .filter(|value| !value.is_undefined())
    }

    /// The ECharts instance drawn into element `id`, if any.
    fn instance(id: &str) -> Option<JsValue> {
        let echarts = echarts()?;
        let element = web_sys::window()?.document()?.get_element_by_id(id)?;
        let find: Function = Reflect::get(&echarts, &"getInstanceByDom".into())
            .ok()?
            .dyn_into()
            .ok()?;
        find.call1(&echarts, &element)
            .ok()
            .filter(|value| !value.is_undefined() && !value.is_null())
    }

    fn call(instance: &JsValue, method: &str) {
        if let Some(function) = Reflect::get(instance, &method.into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        {
            let _ = function.call0(instance);
        }
    }

    fn element_exists(id: &str) -> bool {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .is_some()
    }

    /// Draws once ECharts has loaded (its script may still be on its way) and the
    /// element is in the document (a view can be built before it is attached),
    /// trying again every 100 ms up to `attempts` times.
    pub fn draw_when_ready(
        id: &'static str,
        chart: Chart,
        patch: Option<String>,
        on_click: Option<Callback<serde_json::Value>>,
        dark: bool,
        attempts: u32,
    ) {
        if echarts().is_none() || !element_exists(id) {
            if attempts > 0 {
                leptos::prelude::set_timeout(
                    move || draw_when_ready(id, chart, patch, on_click, dark, attempts - 1),
                    std::time::Duration::from_millis(100),
                );
            }
            return;
        }
        // A theme is chosen at creation, so the old drawing goes first.
        if let Some(old) = instance(id) {
            call(&old, "dispose");
        }
        let theme = if dark {
            ChartTheme::Dark
        } else {
            ChartTheme::Default
        };
        if let Err(error) = WasmRenderer::new_opt(None, None)
            .theme(theme)
            .render(id, &chart)
        {
            leptos::logging::warn!("chart {id} not drawn: {error:?}");
            return;
        }
        if let (Some(patch), Some(instance)) = (patch, instance(id)) {
            let merge = Reflect::get(&instance, &"setOption".into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok());
            if let (Some(merge), Ok(options)) = (merge, js_sys::JSON::parse(&patch)) {
                let _ = merge.call1(&instance, &options);
            }
        }
        if let (Some(on_click), Some(instance)) = (on_click, instance(id)) {
            listen_for_clicks(&instance, on_click);
        }
    }

    /// `instance.on("click", …)`, handing the clicked item's value to `on_click`.
    fn listen_for_clicks(instance: &JsValue, on_click: Callback<serde_json::Value>) {
        let Some(on) = Reflect::get(instance, &"on".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        else {
            return;
        };
        let handler = Closure::<dyn Fn(JsValue)>::new(move |params: JsValue| {
            let value = Reflect::get(&params, &"value".into())
                .ok()
                .and_then(|v| js_sys::JSON::stringify(&v).ok())
                .and_then(|text| text.as_string())
                .and_then(|text| serde_json::from_str(&text).ok());
            if let Some(value) = value {
                on_click.run(value);
            }
        });
        let _ = on.call2(instance, &"click".into(), handler.as_ref());
        // The instance owns the listener until it is disposed at the next drawing;
        // the closure must outlive this call, so it is left to the page.
        handler.forget();
    }

    pub fn resize(id: &str) {
        if let Some(instance) = instance(id) {
            call(&instance, "resize");
        }
    }
}
