package org.rnnservice.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.rnnservice.RnnProperties;
import org.rnnservice.web.ErrorBodies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Access control: off unless {@code rnn.security.api-keys} is set (the local quick start needs none). With keys,
 * every call under {@code /api/}, {@code /v1/} and {@code /v2/} needs {@code Authorization: Bearer <key>}: a
 * {@code predict} key may read and predict, an {@code admin} key everything; actuator health stays open, the other
 * actuator endpoints need an admin key. Refusals are 401 or 403 in the API's error shape; keys never reach a log.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfig.class);
    private static final String[] API = {"/api/**", "/v1/**", "/v2/**", "/v2"};
    private static final String[] PREDICTIONS = {"/api/v1/models/*/predict", "/api/v1/models/*/evaluate",
        "/api/v1/models/*/generate", "/v1/models/**", "/v2/models/**"};

    @Bean
    SecurityFilterChain api(HttpSecurity http, RnnProperties properties, JsonMapper mapper) throws Exception {
        ApiKeys keys = new ApiKeys(properties.security().apiKeys());
        http.csrf(c -> c.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(r -> r.disable())
                // models, summaries and weights carry ETags for revalidation; no-store would defeat them
                .headers(h -> h.cacheControl(c -> c.disable()))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        if (!keys.enabled()) {
            LOG.info("Access control is off: set rnn.security.api-keys before exposing the service");
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
            return http.build();
        }
        LOG.info("Access control is on: API calls need one of the configured API keys");
        http.addFilterBefore(new ApiKeyFilter(keys), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        // KServe's probes of the server's liveness and readiness, as the protocol has them: open
                        .requestMatchers(HttpMethod.GET, "/v2/health/live", "/v2/health/ready").permitAll()
                        .requestMatchers("/actuator/**").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.GET, API).hasAnyRole("PREDICT", "ADMIN")
                        .requestMatchers(HttpMethod.POST, PREDICTIONS).hasAnyRole("PREDICT", "ADMIN")
                        .requestMatchers(API).hasRole("ADMIN")
                        .anyRequest().permitAll())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> {
                            response.setHeader("WWW-Authenticate", "Bearer");
                            write(mapper, request, response, 401, "this call needs an API key: send"
                                    + " Authorization: Bearer <key> (a missing or unknown key)");
                        })
                        .accessDeniedHandler((request, response, ex) -> write(mapper, request, response, 403,
                                "this API key's scope does not allow this call; it needs an admin key")));
        return http.build();
    }

    /** No users and no generated password: callers are API keys. */
    @Bean
    UserDetailsService noUsers() {
        return username -> {
            throw new UsernameNotFoundException("callers are identified by API keys");
        };
    }

    /** The firewall's refusals (an encoded '/', a '..' segment) in the API's error shape, not a 500. */
    @Bean
    RequestRejectedHandler requestRejected(JsonMapper mapper) {
        return (request, response, ex) -> write(mapper, request, response, 400, "the request was refused before it"
                + " reached the API: " + ex.getMessage());
    }

    private static void write(JsonMapper mapper, HttpServletRequest request, HttpServletResponse response, int status,
                              String detail) throws IOException {
        String path = request.getRequestURI();
        response.setStatus(status);
        response.setContentType(ErrorBodies.mediaType(path).toString());
        mapper.writeValue(response.getOutputStream(), ErrorBodies.body(path, status, detail));
    }
}
