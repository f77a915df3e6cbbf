//! The person's side of a login: the sign-in page (UIN or VID with an OTP, or with a PIN), the
//! consent page, and their form posts. Every post carries the transaction id and its CSRF
//! token, and the browser must hold the transaction cookie with the same token, so a form
//! cannot be posted into someone else's login.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::authorize::{
    self, Consent, Login, TX_COOKIE, Transaction, create_session, end_transaction, error_redirect,
    issue_code, set_cookie, set_login,
};
use super::clients::{self, Client, ConsentPolicy};
use super::request::RequestedClaim;
use super::ui::{Lang, Msg, escape, page, page_to};
use super::{Acr, OAuthError, Oidc, provider};
use crate::api::AppState;
use crate::ekyc::EkycClaim;
use crate::error::ApiError;
use crate::registry::authn::Authenticated;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oidc/login", get(login_page))
        .route("/oidc/login/otp", post(send_otp))
        .route("/oidc/login/otp/verify", post(verify_otp))
        .route("/oidc/login/pin", post(verify_pin))
        .route("/oidc/consent", get(consent_page).post(consent))
}

#[derive(Deserialize)]
struct TxQuery {
    tx: String,
}

/// Form fields, each at most once except `claim`.
struct Form {
    fields: Vec<(String, String)>,
}

const MAX_FORM: usize = 8 * 1024;

impl Form {
    fn parse(body: &[u8]) -> Option<Self> {
        if body.len() > MAX_FORM {
            return None;
        }
        Some(Self {
            fields: form_urlencoded::parse(body).into_owned().collect(),
        })
    }
    fn get(&self, k: &str) -> &str {
        self.fields
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    fn all(&self, k: &str) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(move |(x, _)| x == k)
            .map(|(_, v)| v.as_str())
    }
}

fn expired() -> Response {
    let lang = Lang::En;
    let body = format!(
        "<h1>{}</h1><p class=\"error\" role=\"alert\">{}</p>",
        escape(lang.t(Msg::Error)),
        escape(lang.t(Msg::Expired))
    );
    page(lang, StatusCode::BAD_REQUEST, lang.t(Msg::Error), &body)
}

/// The live transaction a form names, if its CSRF token and cookie match.
async fn checked_tx(s: &AppState, headers: &HeaderMap, form: &Form) -> Result<Transaction, Response> {
    let tx = authorize::transaction(s.store(), form.get("tx"))
        .await
        .map_err(IntoResponse::into_response)?
        .ok_or_else(expired)?;
    let cookie = authorize::cookie(headers, TX_COOKIE).unwrap_or_default();
    let same = |a: &str| a.len() == tx.csrf.len() && subtle_eq(a.as_bytes(), tx.csrf.as_bytes());
    if !(same(form.get("csrf")) && same(&cookie)) {
        return Err(expired());
    }
    Ok(tx)
}

/// Constant-time comparison of equal-length byte strings.
fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hidden(tx: &Transaction) -> String {
    format!(
        "<input type=\"hidden\" name=\"tx\" value=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        escape(&tx.id),
        escape(&tx.csrf)
    )
}

async fn client_name(s: &AppState, tx: &Transaction) -> Result<(Client, String), Response> {
    let c = clients::load(s.store(), &tx.request.client_id)
        .await
        .map_err(|e| OAuthError::from(e).into_response())?
        .ok_or_else(expired)?;
    let name = c.client_name.clone().unwrap_or_else(|| c.client_id.clone());
    Ok((c, name))
}

fn login_html(tx: &Transaction, client: &str, error: Option<Msg>) -> Response {
    let lang = Lang::from_locale(&tx.request.locale);
    let t = |m| escape(lang.t(m));
    let mut body = format!(
        "<h1>{}</h1><p>{} <strong>{}</strong></p>",
        t(Msg::Title),
        t(Msg::SignInTo),
        escape(client)
    );
    if let Some(e) = error {
        body += &format!("<p class=\"error\" role=\"alert\">{}</p>", t(e));
    }
    let id_field = |suffix: &str| {
        format!(
            "<label for=\"id-{suffix}\">{}</label><input type=\"text\" id=\"id-{suffix}\" name=\"individual_id\" \
             inputmode=\"numeric\" autocomplete=\"username\" required maxlength=\"32\" aria-describedby=\"hint-{suffix}\">\
             <p class=\"hint\" id=\"hint-{suffix}\">{}</p>",
            t(Msg::IndividualId),
            t(Msg::IndividualIdHint)
        )
    };
    if tx.request.acr.contains(&Acr::GeneratedCode) {
        body += &format!(
            "<form method=\"post\" action=\"/oidc/login/otp\">{}{}<button type=\"submit\">{}</button></form>",
            hidden(tx),
            id_field("otp"),
            t(Msg::SendCode)
        );
    }
    if tx.request.acr.contains(&Acr::Knowledge) {
        body += &format!(
            "<form method=\"post\" action=\"/oidc/login/pin\">{}{}<label for=\"pin\">{}</label>\
             <input type=\"password\" id=\"pin\" name=\"pin\" inputmode=\"numeric\" autocomplete=\"current-password\" required maxlength=\"16\">\
             <button type=\"submit\">{}</button></form>",
            hidden(tx),
            id_field("pin"),
            t(Msg::Pin),
            t(Msg::UsePin)
        );
    }
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    page(lang, status, lang.t(Msg::Title), &body)
}

async fn login_page(State(s): State<AppState>, Query(q): Query<TxQuery>) -> Response {
    let tx = match authorize::transaction(s.store(), &q.tx).await {
        Ok(Some(tx)) if tx.stage == "login" => tx,
        Ok(_) => return expired(),
        Err(e) => return e.into_response(),
    };
    match client_name(&s, &tx).await {
        Ok((_, name)) => login_html(&tx, &name, None),
        Err(r) => r,
    }
}

/// A refused factor: the sign-in page again with a message a person understands (server
/// errors stay server errors).
async fn refused(s: &AppState, tx: &Transaction, e: ApiError) -> Response {
    if e.status().is_server_error() {
        return e.into_response();
    }
    match client_name(s, tx).await {
        Ok((_, name)) => login_html(tx, &name, Some(Msg::BadCredentials)),
        Err(r) => r,
    }
}

async fn send_otp(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(form) = Form::parse(&body) else {
        return expired();
    };
    let tx = match checked_tx(&s, &headers, &form).await {
        Ok(tx) if tx.stage == "login" && tx.request.acr.contains(&Acr::GeneratedCode) => tx,
        Ok(_) => return expired(),
        Err(r) => return r,
    };
    let id = form.get("individual_id").trim();
    let sent = match s.authn.send_otp(id, &tx.id).await {
        Ok(sent) => sent,
        Err(e) => return refused(&s, &tx, e).await,
    };
    let lang = Lang::from_locale(&tx.request.locale);
    let t = |m| escape(lang.t(m));
    let body = format!(
        "<h1>{}</h1><p role=\"status\">{} <bdi>{}</bdi></p>\
         <form method=\"post\" action=\"/oidc/login/otp/verify\">{}<input type=\"hidden\" name=\"individual_id\" value=\"{}\">\
         <label for=\"otp\">{}</label><input type=\"text\" id=\"otp\" name=\"otp\" inputmode=\"numeric\" \
         autocomplete=\"one-time-code\" required maxlength=\"10\"><button type=\"submit\">{}</button></form>",
        t(Msg::Title),
        t(Msg::CodeSentTo),
        escape(&sent.masked_destination),
        hidden(&tx),
        escape(id),
        t(Msg::Code),
        t(Msg::Verify)
    );
    page(lang, StatusCode::OK, lang.t(Msg::Title), &body)
}

async fn verify_otp(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(form) = Form::parse(&body) else {
        return expired();
    };
    let tx = match checked_tx(&s, &headers, &form).await {
        Ok(tx) if tx.stage == "login" && tx.request.acr.contains(&Acr::GeneratedCode) => tx,
        Ok(_) => return expired(),
        Err(r) => return r,
    };
    match s
        .authn
        .verify_otp(form.get("individual_id").trim(), &tx.id, form.get("otp").trim())
        .await
    {
        Ok(auth) => finish_login(&s, tx, auth).await,
        Err(e) => refused(&s, &tx, e).await,
    }
}

async fn verify_pin(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(form) = Form::parse(&body) else {
        return expired();
    };
    let tx = match checked_tx(&s, &headers, &form).await {
        Ok(tx) if tx.stage == "login" && tx.request.acr.contains(&Acr::Knowledge) => tx,
        Ok(_) => return expired(),
        Err(r) => return r,
    };
    match s
        .authn
        .verify_pin(form.get("individual_id").trim(), form.get("pin"))
        .await
    {
        Ok(auth) => finish_login(&s, tx, auth).await,
        Err(e) => refused(&s, &tx, e).await,
    }
}

/// After a factor verified: a session, then the consent page (or the code, when consent is
/// remembered).
async fn finish_login(s: &AppState, tx: Transaction, auth: Authenticated) -> Response {
    let r = async {
        let o = provider(s)?;
        let login = Login {
            uin: auth.uin.clone(),
            amr: auth.factor.amr().to_string(),
            auth_time: auth.auth_time,
        };
        let sid = create_session(s.store(), o, &login).await?;
        set_login(s.store(), &tx.id, &login).await?;
        let mut r = Redirect::to(&format!("/oidc/consent?tx={}", tx.id)).into_response();
        set_cookie(
            &mut r,
            &o.issuer,
            authorize::SESSION_COOKIE,
            &sid,
            o.cfg.session_ttl_secs,
        );
        Ok::<_, OAuthError>(r)
    }
    .await;
    r.unwrap_or_else(IntoResponse::into_response)
}

fn claim_label(c: EkycClaim, lang: Lang) -> &'static str {
    use EkycClaim::*;
    let (en, ar) = match c {
        Name => ("Full name", "الاسم الكامل"),
        GivenName => ("Given name", "الاسم الأول"),
        MiddleName => ("Middle name", "الاسم الأوسط"),
        FamilyName => ("Family name", "اسم العائلة"),
        Birthdate => ("Date of birth", "تاريخ الميلاد"),
        Gender => ("Gender", "الجنس"),
        Email => ("Email address", "البريد الإلكتروني"),
        PhoneNumber => ("Phone number", "رقم الهاتف"),
        Address => ("Address", "العنوان"),
        Nationality => ("Nationality", "الجنسية"),
        Locale => ("Preferred language", "اللغة المفضلة"),
    };
    if lang == Lang::Ar { ar } else { en }
}

fn claim_name(c: EkycClaim) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

async fn consent_page(State(s): State<AppState>, Query(q): Query<TxQuery>) -> Response {
    let tx = match authorize::transaction(s.store(), &q.tx).await {
        Ok(Some(tx)) if tx.stage == "consent" && tx.login.is_some() => tx,
        Ok(_) => return expired(),
        Err(e) => return e.into_response(),
    };
    let (client, name) = match client_name(&s, &tx).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    // Remembered consent covering every claim: no page, the code.
    if let (Ok(o), Some(login)) = (provider(&s), &tx.login)
        && let Ok(Some(claims)) = remembered(&s, &client, &tx, login).await
    {
        let r = issue_code(s.store(), o, &tx.request, login, claims).await;
        let _ = end_transaction(s.store(), &tx.id).await;
        return r.unwrap_or_else(IntoResponse::into_response);
    }
    let lang = Lang::from_locale(&tx.request.locale);
    let t = |m| escape(lang.t(m));
    let mut items = String::new();
    for rc in &tx.request.claims {
        let n = claim_name(rc.claim);
        let label = escape(claim_label(rc.claim, lang));
        items += &if rc.essential {
            format!(
                "<li>{label} <span class=\"hint\">({})</span></li>",
                t(Msg::Required)
            )
        } else {
            format!(
                "<li><input type=\"checkbox\" id=\"c-{n}\" name=\"claim\" value=\"{n}\" checked> \
                 <label for=\"c-{n}\">{label}</label> <span class=\"hint\">({})</span></li>",
                t(Msg::Optional)
            )
        };
    }
    let body = format!(
        "<h1>{}</h1><form method=\"post\" action=\"/oidc/consent\">{}<fieldset><legend><strong>{}</strong> {}</legend>\
         <ul>{items}</ul></fieldset><button type=\"submit\" name=\"decision\" value=\"allow\">{}</button> \
         <button type=\"submit\" name=\"decision\" value=\"deny\">{}</button></form>",
        t(Msg::ConsentTitle),
        hidden(&tx),
        escape(&name),
        t(Msg::ConsentIntro),
        t(Msg::Allow),
        t(Msg::Deny)
    );
    page_to(
        lang,
        StatusCode::OK,
        lang.t(Msg::ConsentTitle),
        &body,
        Some(&tx.request.redirect_uri),
    )
}

async fn remembered(
    s: &AppState,
    client: &Client,
    tx: &Transaction,
    login: &Login,
) -> Result<Option<Vec<RequestedClaim>>, OAuthError> {
    authorize::remembered_grant(s, client, &tx.request, login).await
}

async fn consent(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(form) = Form::parse(&body) else {
        return expired();
    };
    let tx = match checked_tx(&s, &headers, &form).await {
        Ok(tx) if tx.stage == "consent" => tx,
        Ok(_) => return expired(),
        Err(r) => return r,
    };
    let r = decide_consent(&s, &tx, &form).await;
    let _ = end_transaction(s.store(), &tx.id).await;
    r.unwrap_or_else(IntoResponse::into_response)
}

async fn decide_consent(s: &AppState, tx: &Transaction, form: &Form) -> Result<Response, OAuthError> {
    let o: &Oidc = provider(s)?;
    let login = tx
        .login
        .as_ref()
        .ok_or_else(|| OAuthError::server("consent without login"))?;
    if form.get("decision") != "allow" {
        let e = OAuthError::bad("access_denied", "the person declined");
        return Ok(error_redirect(
            o,
            &tx.request.redirect_uri,
            tx.request.state.as_deref(),
            &e,
        ));
    }
    let ticked: Vec<&str> = form.all("claim").collect();
    let granted: Vec<RequestedClaim> = tx
        .request
        .claims
        .iter()
        .filter(|r| r.essential || ticked.contains(&claim_name(r.claim).as_str()))
        .copied()
        .collect();
    let client = clients::load(s.store(), &tx.request.client_id)
        .await?
        .ok_or_else(|| OAuthError::server("client vanished"))?;
    if client.consent == ConsentPolicy::Remember {
        let c = Consent {
            asked: tx.request.claims.iter().map(|r| r.claim).collect(),
            granted: granted.iter().map(|r| r.claim).collect(),
        };
        authorize::remember_consent(s, &client.client_id, &login.uin, &c).await?;
    }
    issue_code(s.store(), o, &tx.request, login, granted).await
}
