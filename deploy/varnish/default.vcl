vcl 4.1;
# Varnish 7.1 (Debian's `varnish`) with xkey from `varnish-modules`, in front of the
# Press Office app servers. It caches what the app marks public (Cache-Control with
# s-maxage), for anonymous readers only, and drops cached copies by the tags the app sends
# in `Surrogate-Key` when an app server asks (`PURGE` with an `xkey-purge` or
# `xkey-softpurge` header; PRESSOFFICE_PURGE_URLS lists this server).
#
# Edit the backend (one per app server, or a director) and the `purgers` ACL (the app
# servers' addresses) for your site; the admin path if PRESSOFFICE_ADMIN_PATH is not
# "admin/". Run: varnishd -f /etc/varnish/default.vcl -a :80 -s malloc,1G

import xkey;
import cookie;
import std;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .first_byte_timeout = 30s;
}

# Who may purge: the app servers (their tasks send the purges).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is for the app servers."));
        }
        if (req.http.xkey-purge) {
            set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        } else if (req.http.xkey-softpurge) {
            set req.http.x-purged = xkey.softpurge(req.http.xkey-softpurge);
        } else {
            return (synth(400, "Name the tags in an xkey-purge or xkey-softpurge header."));
        }
        return (synth(200, "Purged " + req.http.x-purged + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin/" || req.http.Authorization) {
        return (pass);
    }
    # Staff carry a session cookie: their pages are never cached or served from cache.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Readers: only the language cookie matters (addresses without /<lang>/, such as the
    # sitemaps and the API, answer in the reader's language); every other cookie goes.
    if (req.http.Cookie) {
        cookie.parse(req.http.Cookie);
        cookie.keep("django_language");
        set req.http.Cookie = cookie.get_string();
        if (req.http.Cookie == "") {
            unset req.http.Cookie;
        }
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    }
    if (req.http.Cookie) {
        hash_data(req.http.Cookie);
    }
    return (lookup);
}

sub vcl_backend_response {
    # The app's previous copy of a page it is re-rendering (it re-renders stale pages one
    # at a time): a background refresh keeps the copy in grace and tries again with the
    # next reader; a reader with nothing in cache gets it, kept by nobody.
    if (beresp.http.X-Stale) {
        if (bereq.is_bgfetch) {
            return (abandon);
        }
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # Only what the app tagged as a public response is kept (it is what a purge can reach).
    if (!beresp.http.Surrogate-Key || beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # The app's tags become xkey's keys.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # A few seconds of grace after a soft purge while one fetch refreshes the copy; hard
    # purges (withdrawals, unpublications) remove the copy outright.
    set beresp.grace = 10s;
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
    return (deliver);
}

sub vcl_synth {
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.body = resp.reason;
    return (deliver);
}
