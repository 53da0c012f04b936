package org.rnnservice.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** Reads {@code Authorization: Bearer <key>} and, for a known key, authenticates the request with its scope. */
final class ApiKeyFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;

    ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            keys.scopeOf(header.substring(BEARER.length()).trim()).ifPresent(scope ->
                    SecurityContextHolder.getContext().setAuthentication(new KeyAuthentication(scope)));
        }
        chain.doFilter(request, response);
    }

    /** An authenticated caller: which of our keys is not kept, only its scope. */
    private static final class KeyAuthentication extends AbstractAuthenticationToken {

        private final ApiKeys.Scope scope;

        KeyAuthentication(ApiKeys.Scope scope) {
            super(List.of(new SimpleGrantedAuthority("ROLE_" + scope.name())));
            this.scope = scope;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return "api-key:" + scope.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
