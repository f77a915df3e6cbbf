//! The person-facing pages: server-rendered HTML, no script at all, a strict CSP, labelled
//! form controls, `lang`/`dir` on the root element, English and Arabic (right-to-left).
//!
//! Pages are plain Rust functions over [`Page`]; every interpolated value goes through
//! [`escape`].

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::OAuthError;

/// The Content-Security-Policy of every page: no script at all, the one same-origin
/// stylesheet, no framing; forms post to this origin, and (on the consent page, whose answer
/// redirects there) to the client's redirect URI.
pub fn csp(form_target: Option<&str>) -> String {
    let extra = form_target
        .filter(|t| t.starts_with("https://") || t.starts_with("http://"))
        .map(|t| format!(" {}", t.split(['?', ' ', ';', ',']).next().unwrap_or("")))
        .unwrap_or_default();
    format!(
        "default-src 'none'; style-src 'self'; form-action 'self'{extra}; frame-ancestors 'none'; base-uri 'none'"
    )
}

/// Escapes text for HTML element content and double-quoted attribute values.
///
/// ```
/// assert_eq!(inkan_idp::oidc::ui::escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Arabic (right-to-left).
    Ar,
}

impl Lang {
    /// From a locale chosen by `ui_locales` (`ar`, else English).
    pub fn from_locale(l: &str) -> Self {
        if l == "ar" { Lang::Ar } else { Lang::En }
    }
    fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }
    fn dir(self) -> &'static str {
        match self {
            Lang::En => "ltr",
            Lang::Ar => "rtl",
        }
    }
    /// A message in this language.
    pub fn t(self, key: Msg) -> &'static str {
        let (en, ar) = key.texts();
        match self {
            Lang::En => en,
            Lang::Ar => ar,
        }
    }
}

/// Every message of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Msg {
    Title,
    Error,
    SignInTo,
    IndividualId,
    IndividualIdHint,
    SendCode,
    UsePin,
    Pin,
    SignIn,
    CodeSentTo,
    Code,
    Verify,
    ConsentTitle,
    ConsentIntro,
    Required,
    Optional,
    Allow,
    Deny,
    BadCredentials,
    Expired,
    SignedOut,
    Consents,
    SignInFirst,
    Revoke,
}

impl Msg {
    fn texts(self) -> (&'static str, &'static str) {
        match self {
            Msg::Title => ("National ID sign-in", "تسجيل الدخول بالهوية الوطنية"),
            Msg::Error => ("Something went wrong", "حدث خطأ"),
            Msg::SignInTo => ("Sign in to continue to", "سجّل الدخول للمتابعة إلى"),
            Msg::IndividualId => ("UIN or VID", "رقم الهوية أو الرقم الافتراضي"),
            Msg::IndividualIdHint => (
                "The number on your ID card, or a virtual ID",
                "الرقم المطبوع على بطاقتك أو رقم افتراضي",
            ),
            Msg::SendCode => ("Send me a code", "أرسل لي رمزًا"),
            Msg::UsePin => ("Sign in with my PIN", "تسجيل الدخول برقم التعريف الشخصي"),
            Msg::Pin => ("PIN", "رقم التعريف الشخصي"),
            Msg::SignIn => ("Sign in", "تسجيل الدخول"),
            Msg::CodeSentTo => ("We sent a code to", "أرسلنا رمزًا إلى"),
            Msg::Code => ("One-time code", "الرمز لمرة واحدة"),
            Msg::Verify => ("Verify", "تحقق"),
            Msg::ConsentTitle => ("Share your details", "مشاركة بياناتك"),
            Msg::ConsentIntro => (
                "wants to receive these details about you:",
                "يطلب الحصول على هذه البيانات عنك:",
            ),
            Msg::Required => ("required", "مطلوب"),
            Msg::Optional => ("optional", "اختياري"),
            Msg::Allow => ("Allow", "سماح"),
            Msg::Deny => ("Deny", "رفض"),
            Msg::BadCredentials => (
                "That did not work. Check the number and the code or PIN, and try again.",
                "لم تنجح العملية. تحقق من الرقم والرمز أو رقم التعريف الشخصي ثم حاول مجددًا.",
            ),
            Msg::SignedOut => ("You are signed out", "تم تسجيل خروجك"),
            Msg::Consents => ("Services you share details with", "الخدمات التي تشاركها بياناتك"),
            Msg::SignInFirst => (
                "Sign in to a service first; then you can see and withdraw what you shared.",
                "سجّل الدخول إلى خدمة أولًا، ثم يمكنك عرض ما شاركته وسحبه.",
            ),
            Msg::Revoke => ("Withdraw consent", "سحب الموافقة"),
            Msg::Expired => (
                "This sign-in has expired. Go back to the service and start again.",
                "انتهت صلاحية تسجيل الدخول. عد إلى الخدمة وابدأ من جديد.",
            ),
        }
    }
}

/// Wraps `body` in the document, with the security headers.
pub fn page(lang: Lang, status: StatusCode, title: &str, body: &str) -> Response {
    page_to(lang, status, title, body, None)
}

/// [`page`] whose forms may lead to `form_target` (a redirect URI) as well.
pub fn page_to(
    lang: Lang,
    status: StatusCode,
    title: &str,
    body: &str,
    form_target: Option<&str>,
) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/oidc/static/style.css\"></head>\
         <body><main>{}</main></body></html>",
        lang.code(),
        lang.dir(),
        escape(title),
        body
    );
    let mut r = (status, html).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&csp(form_target)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    r
}

/// The stylesheet (served, not inlined, so the CSP needs no `unsafe-inline`).
pub const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#111}\
main{max-width:28rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px}\
label{display:block;margin:1rem 0 .25rem;font-weight:600}\
input[type=text],input[type=password]{width:100%;padding:.6rem;font-size:1rem;box-sizing:border-box}\
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}\
.error{color:#a00;border-inline-start:4px solid #a00;padding-inline-start:.5rem}\
.hint{color:#555;font-size:.9rem}fieldset{border:0;padding:0}ul{list-style:none;padding:0}li label{display:inline}";

/// An error page for errors that must not go back to the client.
pub fn error_page(locale: &str, e: &OAuthError) -> Response {
    let lang = Lang::from_locale(locale);
    let body = format!(
        "<h1>{}</h1><p class=\"error\" role=\"alert\">{}</p><p class=\"hint\"><code>{}</code></p>",
        escape(lang.t(Msg::Error)),
        escape(e.description()),
        escape(e.error()),
    );
    page(lang, StatusCode::BAD_REQUEST, lang.t(Msg::Error), &body)
}
