package org.rnnservice.web;

import java.util.Locale;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.ConverterFactory;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Query parameters naming an enum constant in any case ({@code ?state=queued}), as users type them. */
@Configuration(proxyBeanMethods = false)
class CaseInsensitiveEnums implements WebMvcConfigurer {

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverterFactory(new ConverterFactory<String, Enum<?>>() {
            @Override
            @SuppressWarnings({"unchecked", "rawtypes"})
            public <T extends Enum<?>> Converter<String, T> getConverter(Class<T> type) {
                return value -> value.isBlank() ? null
                        : (T) Enum.valueOf((Class) type, value.trim().toUpperCase(Locale.ROOT));
            }
        });
    }
}
