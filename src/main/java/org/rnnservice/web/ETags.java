package org.rnnservice.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * ETags on the small reads a client polls (a model, its summary): {@code If-None-Match} with the current tag answers
 * {@code 304} and no body. Weights and exported files carry tags of their stored version instead (set by their
 * controller, before the body is built), so they are not buffered here to be hashed.
 */
@Configuration(proxyBeanMethods = false)
class ETags {

    @Bean
    FilterRegistrationBean<ShallowEtagHeaderFilter> modelETags() {
        FilterRegistrationBean<ShallowEtagHeaderFilter> registration =
                new FilterRegistrationBean<>(new ShallowEtagHeaderFilter() {
                    @Override
                    protected boolean shouldNotFilter(HttpServletRequest request) {
                        // only reads get tags; a prediction's answer would be buffered for nothing
                        String path = request.getRequestURI();
                        return !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())
                                || path.endsWith("/weights") || path.endsWith("/export");
                    }
                });
        registration.addUrlPatterns("/api/v1/models/*");
        registration.setName("modelETags");
        return registration;
    }
}
