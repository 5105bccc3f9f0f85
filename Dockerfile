# agentsim API / worker image: the package, its data (scenarios, personas, rubrics) and the PostgreSQL driver.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 LITELLM_LOCAL_MODEL_COST_MAP=True AGENTSIM_HOME=/app
COPY pyproject.toml README.md ./
COPY agentsim ./agentsim
RUN pip install --no-cache-dir '.[postgres,reports]'
COPY scenarios ./scenarios
COPY personas ./personas
COPY rubrics ./rubrics
EXPOSE 8000
CMD ["agentsim", "serve", "--host", "0.0.0.0", "--port", "8000"]
