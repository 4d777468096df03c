# One image for the Cube API, the Cube refresh worker, migrations/seed and the web app
# (docker-compose.yml picks the command). Inside Docker the machine reaches GitHub, so Cube's
# native module installs and the stock Cube server runs (SQL API, Tesseract).
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run web:build
ENV NODE_ENV=production
