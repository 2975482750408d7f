FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# postinstall runs `prisma generate`, which needs the schema and its script.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm ci
COPY . .
ENV HOST=0.0.0.0 PORT=3000
EXPOSE 3000
USER node
CMD ["npm", "start"]
