import { useMutation } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, useEffect, useState } from "react";
import { useApi } from "../api.tsx";
import { ErrorBanner, formValues, InputField, Notice } from "../components/form.tsx";
import { shownError } from "../errors.ts";
import { useI18n } from "../i18n/index.tsx";
import { sessionStore } from "../session.ts";

const slugOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);

/** Sign in with the organisation address, an e-mail or mobile, and the password. */
export function LoginScreen() {
  const { t } = useI18n();
  const { api } = useApi();
  const navigate = useNavigate();
  const login = useMutation({
    mutationFn: (input: { tenantSlug: string; identifier: string; password: string }) =>
      api.auth.login.mutate(input).then((tokens) => ({ tokens, tenantSlug: input.tenantSlug })),
    onSuccess: ({ tokens, tenantSlug }) => {
      sessionStore.signIn({ tenantSlug, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
      void navigate({ to: "/inbox" });
    },
  });
  const fields = shownError(login.error)?.fields ?? {};
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const v = formValues(event.currentTarget);
    login.mutate({ tenantSlug: v.slug ?? "", identifier: v.identifier ?? "", password: v.password ?? "" });
  };
  return (
    <section className="card narrow" aria-labelledby="login-title">
      <h1 id="login-title">{t("auth.loginTitle")}</h1>
      <form onSubmit={submit} noValidate>
        <InputField
          label={t("auth.slug")}
          name="slug"
          autoComplete="organization"
          error={fields.tenantSlug}
          defaultValue={sessionStore.lastSlug()}
        />
        <InputField
          label={t("auth.identifier")}
          name="identifier"
          autoComplete="username"
          error={fields.identifier}
        />
        <InputField
          label={t("auth.password")}
          name="password"
          type="password"
          autoComplete="current-password"
          error={fields.password}
        />
        <ErrorBanner error={login.error} />
        <button type="submit" className="primary" disabled={login.isPending}>
          {t("auth.login")}
        </button>
      </form>
      <p>
        <Link to="/reset-password">{t("auth.forgot")}</Link>
      </p>
      <p>
        {t("auth.noAccount")} <Link to="/signup">{t("auth.signup")}</Link>
      </p>
    </section>
  );
}

/** A company signs up: its tenant and its first administrator, signed in at once. */
export function SignUpScreen() {
  const { t } = useI18n();
  const { api } = useApi();
  const navigate = useNavigate();
  const [slug, setSlug] = useState("");
  const [slugTouched, setSlugTouched] = useState(false);
  const register = useMutation({
    mutationFn: (v: Record<string, string>) =>
      api.auth.registerTenant.mutate({
        tenant: { slug: v.slug ?? "", legalName: v.legalName ?? "", ...(v.bin ? { bin: v.bin } : {}) },
        admin: {
          name: v.name ?? "",
          email: v.email ?? "",
          password: v.password ?? "",
          ...(v.mobile ? { mobile: v.mobile } : {}),
        },
      }),
    onSuccess: (result, v) => {
      sessionStore.signIn({
        tenantSlug: v.slug ?? "",
        accessToken: result.accessToken,
        refreshToken: result.refreshToken,
      });
      void navigate({ to: "/organization" });
    },
  });
  const fields = shownError(register.error)?.fields ?? {};
  return (
    <section className="card narrow" aria-labelledby="signup-title">
      <h1 id="signup-title">{t("auth.signupTitle")}</h1>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          register.mutate(formValues(event.currentTarget));
        }}
      >
        <InputField
          label={t("auth.legalName")}
          name="legalName"
          autoComplete="organization"
          error={fields["tenant.legalName"]}
          onChange={(e) => {
            if (!slugTouched) {
              setSlug(slugOf(e.target.value));
            }
          }}
        />
        <InputField
          label={t("auth.slug")}
          name="slug"
          hint={t("auth.slugHint")}
          value={slug}
          error={fields["tenant.slug"]}
          onChange={(e) => {
            setSlugTouched(true);
            setSlug(e.target.value);
          }}
        />
        <InputField
          label={t("auth.bin")}
          name="bin"
          optional
          inputMode="numeric"
          error={fields["tenant.bin"]}
        />
        <InputField
          label={t("auth.adminName")}
          name="name"
          autoComplete="name"
          error={fields["admin.name"]}
        />
        <InputField
          label={t("auth.email")}
          name="email"
          type="email"
          autoComplete="email"
          error={fields["admin.email"]}
        />
        <InputField
          label={t("auth.mobile")}
          name="mobile"
          type="tel"
          optional
          autoComplete="tel"
          error={fields["admin.mobile"]}
        />
        <InputField
          label={t("auth.password")}
          name="password"
          type="password"
          autoComplete="new-password"
          hint={t("auth.passwordHint")}
          error={fields["admin.password"]}
        />
        <ErrorBanner error={register.error} />
        <button type="submit" className="primary" disabled={register.isPending}>
          {t("auth.create")}
        </button>
      </form>
      <p>
        {t("auth.haveAccount")} <Link to="/login">{t("auth.login")}</Link>
      </p>
    </section>
  );
}

/** Sets a password with the token from an invitation or a reset link (`?token=`). */
function TokenPasswordForm({ purpose }: { purpose: "invite" | "reset" }) {
  const { t } = useI18n();
  const { api } = useApi();
  const { token } = useSearch({ strict: false }) as { token?: string };
  const complete = useMutation({
    mutationFn: (password: string) =>
      purpose === "invite"
        ? api.auth.invites.accept.mutate({ token: token ?? "", password })
        : api.auth.passwordReset.complete.mutate({ token: token ?? "", password }),
  });
  const fields = shownError(complete.error)?.fields ?? {};
  if (complete.isSuccess) {
    return (
      <Notice>
        {t(purpose === "invite" ? "auth.acceptDone" : "auth.resetDone")}{" "}
        <Link to="/login">{t("auth.login")}</Link>
      </Notice>
    );
  }
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        complete.mutate(formValues(event.currentTarget).password ?? "");
      }}
    >
      <InputField
        label={t("auth.password")}
        name="password"
        type="password"
        autoComplete="new-password"
        hint={t("auth.passwordHint")}
        error={fields.password ?? fields.token}
      />
      <ErrorBanner error={complete.error} />
      <button type="submit" className="primary" disabled={complete.isPending}>
        {t("auth.setPassword")}
      </button>
    </form>
  );
}

export function AcceptInviteScreen() {
  const { t } = useI18n();
  const { token } = useSearch({ strict: false }) as { token?: string };
  return (
    <section className="card narrow" aria-labelledby="accept-title">
      <h1 id="accept-title">{t("auth.acceptTitle")}</h1>
      {token ? <TokenPasswordForm purpose="invite" /> : <p>{t("auth.missingToken")}</p>}
    </section>
  );
}

/** Without a token: asks for a link. With one (from the e-mail): sets the new password. */
export function ResetPasswordScreen() {
  const { t } = useI18n();
  const { api } = useApi();
  const { token } = useSearch({ strict: false }) as { token?: string };
  const request = useMutation({
    mutationFn: (v: Record<string, string>) =>
      api.auth.passwordReset.request.mutate({ tenantSlug: v.slug ?? "", identifier: v.identifier ?? "" }),
  });
  const fields = shownError(request.error)?.fields ?? {};
  return (
    <section className="card narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">{t("auth.resetTitle")}</h1>
      {token ? (
        <TokenPasswordForm purpose="reset" />
      ) : request.isSuccess ? (
        <Notice>{t("auth.resetRequested")}</Notice>
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            request.mutate(formValues(event.currentTarget));
          }}
        >
          <InputField label={t("auth.slug")} name="slug" error={fields.tenantSlug} />
          <InputField label={t("auth.identifier")} name="identifier" error={fields.identifier} />
          <ErrorBanner error={request.error} />
          <button type="submit" className="primary" disabled={request.isPending}>
            {t("auth.resetRequest")}
          </button>
        </form>
      )}
    </section>
  );
}

/** Where a contact-verification link lands (`?token=`): verifies at once and says which address. */
export function VerifyContactScreen() {
  const { t } = useI18n();
  const { api } = useApi();
  const { token } = useSearch({ strict: false }) as { token?: string };
  const verify = useMutation({
    mutationFn: (value: string) => api.auth.verifyContact.mutate({ token: value }),
  });
  const { mutate } = verify;
  useEffect(() => {
    if (token) {
      mutate(token);
    }
  }, [token, mutate]);
  return (
    <section className="card narrow" aria-labelledby="verify-title">
      <h1 id="verify-title">{t("auth.verifyTitle")}</h1>
      {!token ? (
        <p>{t("auth.missingToken")}</p>
      ) : verify.isSuccess ? (
        <Notice>{t("auth.verified", { channel: t(`auth.channel.${verify.data.channel}`) })}</Notice>
      ) : verify.isError ? (
        <ErrorBanner error={verify.error} />
      ) : (
        <p aria-busy="true">{t("auth.verifying")}</p>
      )}
    </section>
  );
}
