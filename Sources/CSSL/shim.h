#ifndef CSSL_SHIM_H
#define CSSL_SHIM_H

// libssl for the TLS transport. Function-like macros and callbacks Swift cannot import are
// wrapped as static inline functions here.

#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

static inline int cssl_set_protocol_range(SSL_CTX *ctx, int min, int max) {
    return SSL_CTX_set_min_proto_version(ctx, min) == 1 && SSL_CTX_set_max_proto_version(ctx, max) == 1;
}

static inline void cssl_configure_server(SSL_CTX *ctx) {
    // Partial writes, and a write buffer that may move between retries (Swift arrays do).
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
}

// ALPN: the server speaks http/1.1 only (RFC 7301 §3.2: no overlap means no ALPN, not failure).
static int cssl_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                            const unsigned char *in, unsigned int inlen, void *arg) {
    (void)ssl; (void)arg;
    static const unsigned char http11[] = "http/1.1";
    for (unsigned int i = 0; i < inlen;) {
        unsigned int len = in[i];
        if (i + 1 + len > inlen) break;
        if (len == 8 && memcmp(in + i + 1, http11, 8) == 0) {
            *out = in + i + 1;
            *outlen = 8;
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + len;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

static inline void cssl_enable_alpn_http11(SSL_CTX *ctx) {
    SSL_CTX_set_alpn_select_cb(ctx, cssl_alpn_select, NULL);
}

static inline int cssl_error_reason(unsigned long error) { return ERR_GET_REASON(error); }

static inline int cssl_reason_http_request(void) { return SSL_R_HTTP_REQUEST; }

// OpenSSL 3 reports a peer that closed without close_notify as this SSL_ERROR_SSL reason.
static inline int cssl_reason_unexpected_eof(void) { return SSL_R_UNEXPECTED_EOF_WHILE_READING; }

static inline long cssl_set_tmp_ecdh_auto(SSL_CTX *ctx) { return SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384"); }

#endif
